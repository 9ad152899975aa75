package jp.tokyo.juki.harness;

import picocli.CommandLine.Command;

/**
 * {@code ./gateway bench updates}: the gateway, the national simulator and CS load in one go;
 * {@code ./gateway bench consistency}: one municipality's consistency check (整合) end to end;
 * {@code ./gateway bench agency}: one agency request file end to end over the SFTP drop folder;
 * {@code audit} and {@code soak} likewise ({@link AuditBench}, {@link SoakBench});
 * {@code ./gateway bench nodes}: one gateway node against two behind HAProxy ({@link NodesBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "End-to-end benchmarks.",
        subcommands = {UpdatesBench.class, ConsistencyBench.class, AgencyBench.class, AuditBench.class,
                SoakBench.class,
                SearchBench.class,
                StatsBench.class,
                NodesBench.class})
public final class BenchCommand {
}
