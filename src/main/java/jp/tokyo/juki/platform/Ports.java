package jp.tokyo.juki.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports, for embedded servers and the processes the demo, benchmarks and tests
 * start. A port is chosen below the kernel's ephemeral range ({@code ip_local_port_range}) and
 * never handed out twice by one process: a port from {@code bind(0)} is an ephemeral one, and
 * between this call and the server's own bind any outgoing connection (the hostile-peer tests
 * open hundreds) may take it as its local port ("Address already in use" at start).
 */
public final class Ports {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int LOWEST = 20_000;

    private Ports() {
    }

    public static int free() throws IOException {
        int below = ephemeralLow();
        if (below - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
                if (!HANDED_OUT.contains(port) && bindable(port)) {
                    HANDED_OUT.add(port);
                    return port;
                }
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HANDED_OUT.add(s.getLocalPort());
            return s.getLocalPort();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the ephemeral range (Linux), or 32768 where it cannot be read. */
    private static int ephemeralLow() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
