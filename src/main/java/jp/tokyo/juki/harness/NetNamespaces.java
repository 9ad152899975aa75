package jp.tokyo.juki.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for gateway nodes that can be cut off the network ({@code ip netns} + a veth pair each;
 * root or CAP_NET_ADMIN). Node {@code n} lives in {@code juki-ha<n>} at {@code 10.77.<n>.2}; the host side of
 * its link is {@code 10.77.<n>.1} and its default route, so it reaches the host's shared address
 * {@link #SHARED} (on the host's {@code lo}), where the database, the brokers and the simulators are. A cut
 * downs the link inside the namespace (packets are dropped silently, no RST, as with a pulled cable); the
 * host side stays up, or its route would vanish and traffic leak to the default route.
 */
public final class NetNamespaces implements AutoCloseable {
    /** The host address every node reaches the shared servers at. */
    public static final String SHARED = "10.77.0.1";
    private final int nodes;

    private NetNamespaces(int nodes) {
        this.nodes = nodes;
    }

    /** Why namespaces cannot be made here (no {@code ip}, no CAP_NET_ADMIN), or null when they can. */
    public static String unavailable() {
        try {
            ip("netns", "add", "juki-ha-probe");
            ip("netns", "del", "juki-ha-probe");
            return null;
        } catch (IOException e) {
            return "ip netns add failed (" + e.getMessage() + "): needs iproute2 and CAP_NET_ADMIN";
        }
    }

    /** Makes {@code juki-ha1} … {@code juki-ha<nodes>}, removing leftovers of an earlier run first. */
    public static NetNamespaces make(int nodes) throws IOException {
        NetNamespaces n = new NetNamespaces(nodes);
        n.close();
        try {
            ip("addr", "add", SHARED + "/32", "dev", "lo");
            for (int i = 1; i <= nodes; i++) {
                String ns = name(i);
                ip("netns", "add", ns);
                ip("link", "add", "juki-v" + i, "type", "veth", "peer", "name", "juki-v" + i + "p");
                ip("link", "set", "juki-v" + i + "p", "netns", ns);
                ip("addr", "add", "10.77." + i + ".1/24", "dev", "juki-v" + i);
                ip("link", "set", "juki-v" + i, "up");
                ip("-n", ns, "addr", "add", nodeAddress(i) + "/24", "dev", "juki-v" + i + "p");
                ip("-n", ns, "link", "set", "lo", "up");
                ip("-n", ns, "link", "set", "juki-v" + i + "p", "up");
                ip("-n", ns, "route", "add", "default", "via", "10.77." + i + ".1");
            }
        } catch (IOException e) {
            n.close();
            throw e;
        }
        return n;
    }

    public static String name(int node) {
        return "juki-ha" + node;
    }

    public static String nodeAddress(int node) {
        return "10.77." + node + ".2";
    }

    /** What runs a command inside node {@code n}'s namespace. */
    public static List<String> exec(int node) {
        return List.of("ip", "netns", "exec", name(node));
    }

    /** Cuts node {@code n} off: its link down inside the namespace. */
    public void cut(int node) throws IOException {
        ip("-n", name(node), "link", "set", "juki-v" + node + "p", "down");
    }

    /** Joins node {@code n} again: its link up and its default route back (a link going down drops it). */
    public void join(int node) throws IOException {
        ip("-n", name(node), "link", "set", "juki-v" + node + "p", "up");
        ip("-n", name(node), "route", "replace", "default", "via", "10.77." + node + ".1");
    }

    @Override
    public void close() {
        for (int i = 1; i <= Math.max(nodes, 2); i++) {
            quietly("netns", "del", name(i)); // deletes its end of the veth pair, and so the pair
            quietly("link", "del", "juki-v" + i);
        }
        quietly("addr", "del", SHARED + "/32", "dev", "lo");
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IOException e) {
            // not there
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
