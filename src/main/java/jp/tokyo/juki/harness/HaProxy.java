package jp.tokyo.juki.harness;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (Debian's {@code haproxy}) in TCP mode in front of the gateway nodes' CS ports, as the several-node
 * harness runs it: least connections, a node is in only while its management port's
 * {@code /observe/health/ready} answers 200 within 3 s (checked every second, out after 2 failures, in after 2 passes), a connection to a
 * node that fails is redispatched to another, and the sessions of a node marked down are closed (a node cut
 * off the network sends no RST). Extra plain TCP forwards ({@link Forward}) let nodes in network namespaces
 * reach servers that listen on the host's loopback only (the national simulators).
 */
public final class HaProxy implements AutoCloseable {
    /** A gateway node behind the front: where its CS port and its management port are. */
    public record Node(String name, String host, int csPort, int managementPort) {
    }

    /** A plain TCP forward from {@code bindHost:bindPort} to {@code 127.0.0.1:targetPort}. */
    public record Forward(String name, String bindHost, int bindPort, int targetPort) {
    }

    private final Process process;
    private final Path config;

    private HaProxy(Process process, Path config) {
        this.process = process;
        this.config = config;
    }

    /** Whether the {@code haproxy} command is installed (the failure tests skip without it). */
    public static boolean installed() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, "haproxy"))) {
                return true;
            }
        }
        return false;
    }

    /** The configuration: a TCP front on {@code 127.0.0.1:frontPort} for {@code nodes}, and the forwards. */
    static String config(int frontPort, List<Node> nodes, List<Forward> forwards) {
        StringBuilder c = new StringBuilder("""
                global
                    maxconn 4000
                defaults
                    mode tcp
                    option tcplog
                    log stdout format raw local0 info
                    timeout connect 2s
                    timeout client 1h
                    timeout server 1h
                    timeout check 3s
                frontend cs
                    bind 127.0.0.1:%d
                    default_backend gateways
                backend gateways
                    balance leastconn
                    option redispatch 1
                    retries 2
                    option httpchk GET /observe/health/ready
                    http-check expect status 200
                    default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
                """.formatted(frontPort));
        for (Node n : nodes) {
            c.append("    server %s %s:%d check port %d%n".formatted(n.name(), n.host(), n.csPort(), n.managementPort()));
        }
        for (Forward f : forwards) {
            c.append("""
                    listen %s
                        bind %s:%d
                        server only 127.0.0.1:%d
                    """.formatted(f.name(), f.bindHost(), f.bindPort(), f.targetPort()));
        }
        return c.toString();
    }

    /** Starts haproxy in the foreground (-db) with its log in {@code dir/haproxy.log}; waits for its front. */
    public static HaProxy start(Path dir, int frontPort, List<Node> nodes, List<Forward> forwards) throws IOException {
        Files.createDirectories(dir);
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config(frontPort, nodes, forwards));
        List<String> cmd = new ArrayList<>(List.of("haproxy", "-W", "-db", "-f", cfg.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile())).start();
        HaProxy h = new HaProxy(p, cfg);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("haproxy exited at start; see " + dir.resolve("haproxy.log"));
            }
            try (Socket ignored = new Socket("127.0.0.1", frontPort)) {
                return h;
            } catch (IOException e) {
                GatewayProcess.sleep(100);
            }
        }
        h.close();
        throw new IOException("haproxy did not listen on " + frontPort + " within 20 s");
    }

    public Path config() {
        return config;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
