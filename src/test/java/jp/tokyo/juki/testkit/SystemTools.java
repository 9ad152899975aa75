package jp.tokyo.juki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The tools nobody here wrote that the interoperability tests drive: {@code openssl} and OpenSSH {@code sftp}. */
public final class SystemTools {
    /** What a command printed and how it ended. */
    public record Run(int exit, String output) {
    }

    private SystemTools() {
    }

    /** Runs {@code openssl args…} in {@code dir}; it must succeed. */
    public static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Run r = run(dir, cmd);
        assertThat(r.exit()).as("openssl %s: %s", String.join(" ", args), r.output()).isZero();
    }

    /**
     * Runs {@code sftp -b batch} in {@code dir} as {@code user} at 127.0.0.1:{@code port}, logging in
     * with the key of {@code identity} (its {@code .key.pem} in the test PKI as identity file).
     * Host keys go to {@code dir/known_hosts}, unchecked unless {@code options} say otherwise.
     */
    public static Run sftp(Path dir, int port, String user, String identity, String batch, String... options) throws Exception {
        Path key = Files.createTempFile("id", ".pem");
        Files.copy(TestPki.dir().resolve(identity + ".key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path batchFile = Files.createTempFile("batch", ".txt");
        Files.writeString(batchFile, batch, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("sftp", "-b", batchFile.toString(), "-i", key.toString(),
                "-P", Integer.toString(port)));
        cmd.addAll(List.of(options)); // before the defaults: ssh takes the first value given for an option
        cmd.addAll(List.of("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"));
        cmd.add(user + "@127.0.0.1");
        return run(dir, cmd);
    }

    private static Run run(Path dir, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s did not end", cmd.get(0)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
