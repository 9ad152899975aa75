package jp.tokyo.juki.api;

import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import jp.tokyo.juki.wire.FrameClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/status} on a running gateway: a maintainer gets readiness, health, each check
 * with its state and message, audit lag, dead letters, CS connections and the agency requests
 * waiting — the figures the management port's health checks and gauges hold, no personal data;
 * any other role gets 403 {@code P403}, audited.
 */
class StatusApiIT {
    static OperatorDesk desk;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(true, Map.of("juki.observe.sample-ms", "200"));
        desk.issue("maint1", Role.MAINTAINER).issue("mgr1", Role.MANAGER);
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    @Test
    void aMaintainerGetsTheStatusAtAGlance() throws Exception {
        try (FrameClient chiyoda = desk.gw.connect(CHIYODA)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().path("csConnections")
                    .path(CHIYODA).asLong()).isEqualTo(1));
            JsonNode s = status();

            assertThat(s.path("ready").asBoolean()).isTrue();
            assertThat(s.path("health").asText()).isIn("UP", "DOWN");
            assertThat(s.path("at").asText()).isNotBlank();
            List<String> checks = new ArrayList<>();
            s.path("checks").forEach(c -> checks.add(c.path("name").asText() + "=" + c.path("state").asText()));
            assertThat(checks).contains("juki-database=UP", "juki-broker=UP", "juki-audit=UP", "juki-certificates=UP");
            assertThat(s.path("checks").get(0).has("readiness")).isTrue();
            assertThat(s.path("auditLagSeconds").isNumber()).isTrue();
            assertThat(s.path("auditPending").isNumber()).isTrue();
            assertThat(s.path("deadLetters").isObject()).isTrue();
            assertThat(s.path("deadLettersTotal").asLong()).isZero();
            assertThat(s.path("csConnectionsTotal").asLong()).isEqualTo(1);
            assertThat(s.path("agencyWaiting").asInt()).isZero();
        }
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REQUEST' AND operator_id = 'maint1' "
                + "AND terminal_id = ? AND detail = 'STATUS'", OperatorDesk.TERMINAL)).isPositive();
    }

    @Test
    void anotherRoleIsRefusedP403AndAudited() throws Exception {
        Reply r = desk.login("mgr1").post("/api/status", OperatorDesk.body());

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("P403");
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'P403' "
                + "AND operator_id = 'mgr1' AND detail = 'STATUS'")).isPositive();
    }

    private static JsonNode status() throws Exception {
        Reply r = desk.login("maint1").post("/api/status", OperatorDesk.body());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
