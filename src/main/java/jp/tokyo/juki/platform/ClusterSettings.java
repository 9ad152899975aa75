package jp.tokyo.juki.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Several gateway nodes on one database and one broker pair (issue 14): whether this node is one of several
 * ({@code juki.cluster.enabled}: then no node generates a shared secret of its own, and singletons run under a
 * lease) and its name among them ({@code juki.node.id}, the host name when empty).
 */
public final class ClusterSettings {
    public static final Setting<Boolean> ENABLED = Setting.flag("juki.cluster.enabled", false,
            "this node is one of several sharing one database and broker: secrets are never generated, singletons run under a lease");
    public static final Setting<String> NODE_ID = Setting.text("juki.node.id", "",
            "this node's name among several (lease holder, cluster.node); the host name when empty");

    private ClusterSettings() {
    }

    /** This node's name: {@code juki.node.id}, or the host name. */
    public static String nodeId(GatewayConfig config) {
        String id = config.get(NODE_ID);
        if (id != null && !id.isBlank()) {
            return id.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
