package jp.tokyo.juki.api;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import jp.tokyo.juki.observe.GatewayStatus;
import org.apache.camel.Exchange;

/**
 * A maintainer's status of the gateway on the operator API: {@code POST /api/status} answers
 * {@link GatewayStatus} (health, readiness, each check, audit lag, dead letters, CS connections)
 * and how many agency requests wait for a manager. Figures only, never personal data. The
 * console's status page takes the same method, {@link #read}.
 */
public final class StatusApi {
    private final Supplier<MeterRegistry> metrics;
    private final Callable<Integer> agencyWaiting;

    /**
     * @param metrics       the gateway's metrics registry (looked up when asked: it is bound after the operator port)
     * @param agencyWaiting how many agency requests wait for a manager's decision
     */
    public StatusApi(Supplier<MeterRegistry> metrics, Callable<Integer> agencyWaiting) {
        this.metrics = metrics;
        this.agencyWaiting = agencyWaiting;
    }

    /** The status and the agency requests waiting. */
    public record Status(GatewayStatus gateway, int agencyWaiting) {
    }

    /** Runs the health checks of {@code e}'s Camel context and reads the figures. */
    public Status read(Exchange e) throws Exception {
        return new Status(GatewayStatus.read(e.getContext(), metrics.get()), agencyWaiting.call());
    }

    /** {@code POST /api/status}. */
    public void status(Exchange e) throws Exception {
        Status s = read(e);
        GatewayStatus g = s.gateway();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", g.at().toString());
        m.put("ready", g.ready());
        m.put("health", g.up() ? "UP" : "DOWN");
        List<Map<String, Object>> checks = new ArrayList<>();
        for (GatewayStatus.Check c : g.checks()) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", c.name());
            check.put("state", c.state());
            check.put("readiness", c.readiness());
            check.put("message", c.message());
            checks.add(check);
        }
        m.put("checks", checks);
        m.put("auditLagSeconds", g.auditLagSeconds());
        m.put("auditPending", g.auditPending());
        m.put("deadLetters", g.deadLetters());
        m.put("deadLettersTotal", g.deadLettersTotal());
        m.put("csConnections", g.csConnections());
        m.put("csConnectionsTotal", g.csConnectionsTotal());
        m.put("agencyWaiting", s.agencyWaiting());
        ApiReply.ok(e, m);
    }
}
