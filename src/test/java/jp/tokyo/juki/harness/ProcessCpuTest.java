package jp.tokyo.juki.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench updates}' CPU per update counts PostgreSQL as the postmaster of the gateway's data directory and
 * every process under it — and nothing else, not another server's.
 */
@EnabledOnOs(OS.LINUX)
class ProcessCpuTest {
    @TempDir
    Path dir;

    @Test
    void thePostmasterOfTheDataDirectoryAndItsBackendsAreCountedAndNoOtherServer() throws Exception {
        // "postgres" (a shell under that name) with -D on its command line: ours is idle itself and has a busy
        // child (a backend); another server's is busy itself; a third is idle with no child
        Path postgres = dir.resolve("bin").resolve("postgres");
        Files.createDirectories(postgres.getParent());
        Files.createSymbolicLink(postgres, Path.of("/bin/sh"));
        Path ours = Files.createDirectories(dir.resolve("pg"));
        Path theirs = Files.createDirectories(dir.resolve("other-pg"));
        Path idle = Files.createDirectories(dir.resolve("idle-pg"));
        List<Process> started = new ArrayList<>();
        try {
            started.add(new ProcessBuilder(postgres.toString(), "-c", "sh -c 'while :; do :; done' & wait",
                    "-D", ours.toString()).start());
            started.add(new ProcessBuilder(postgres.toString(), "-c", "while :; do :; done", "-D", theirs.toString())
                    .start());
            started.add(new ProcessBuilder(postgres.toString(), "-c", "sleep 30", "-D", idle.toString()).start());
            ProcessCpu ourCpu = new ProcessCpu(ProcessHandle.current().pid(), ours);
            ProcessCpu idleCpu = new ProcessCpu(ProcessHandle.current().pid(), idle);
            Thread.sleep(300);
            ProcessCpu.Sample firstOurs = ourCpu.sample();
            ProcessCpu.Sample firstIdle = idleCpu.sample();
            Thread.sleep(2000);
            ProcessCpu.Window window = ourCpu.sample().since(firstOurs);
            ProcessCpu.Window idleWindow = idleCpu.sample().since(firstIdle);

            assertThat(window.seconds()).isBetween(1.9, 10.0);
            // the busy backend under our idle postmaster is counted (two busy shells on two cores for 2 s)
            assertThat(window.postgres()).as("CPU s of our postmaster's busy child").isGreaterThan(0.3);
            // the busy server of another data directory is not counted for an idle one
            assertThat(idleWindow.postgres()).as("CPU s counted for the idle server").isLessThan(0.1);
        } finally {
            for (Process p : started) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
