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
 * Free ports, for embedded servers and the processes the demo, benchmarks and tests start. A
 * port is chosen outside the kernel's ephemeral range ({@code ip_local_port_range}: below it,
 * or above it where that room is larger) and never handed out twice by one process: a port from
 * {@code bind(0)} is an ephemeral one, and between this call and the server's own bind any
 * outgoing connection (a gateway retrying an absent national server, the hostile-peer tests'
 * hundreds) may take it as its local port ("Address already in use" at start). A port counts as
 * free only when the wildcard address binds, so that a listener on any one address is seen.
 */
public final class Ports {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 65_535;

    private Ports() {
    }

    public static int free() throws IOException {
        int[] ephemeral = ephemeralRange();
        int below = ephemeral[0] - LOWEST;
        int above = HIGHEST - ephemeral[1];
        int from = below >= above ? LOWEST : ephemeral[1] + 1;
        int to = below >= above ? ephemeral[0] : HIGHEST + 1;
        if (to - from >= 1_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(from, to);
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
        try (ServerSocket wildcard = new ServerSocket(port, 1)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The kernel's ephemeral range (Linux), or 32768–60999 where it cannot be read. */
    private static int[] ephemeralRange() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32_768, 60_999};
        }
    }
}
