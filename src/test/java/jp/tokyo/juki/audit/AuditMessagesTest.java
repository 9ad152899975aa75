package jp.tokyo.juki.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jp.tokyo.juki.wire.MessageType;
import org.junit.jupiter.api.Test;

/** What the tap queues is what the writer appends: operator, terminal and reason included. */
class AuditMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<AuditEvent> roundTrip(AuditEvent... events) throws Exception {
        List<byte[]> bodies = AuditMessages.write(List.of(events));
        assertThat(bodies).hasSize(1);
        JsonNode array = JSON.readTree(bodies.get(0));
        return List.of(AuditMessages.event(array.get(0)), AuditMessages.event(array.get(1)));
    }

    @Test
    void operatorTerminalAndReasonSurviveTheQueueAndAreLeftOutWhenAbsent() throws Exception {
        AuditEvent named = AuditEvent.of(null, AuditEvent.in(AuditLine.CS, "cs-131016", MessageType.HONNIN_UPDATE)
                .id("M-1").operator("op-0001").terminal("term-01").reason("理由"));
        AuditEvent anonymous = AuditEvent.of(null, AuditEvent.in(AuditLine.CS, "cs-131016", MessageType.PING).id("M-2"));

        assertThat(roundTrip(named, anonymous)).containsExactly(named, anonymous);
        String body = new String(AuditMessages.write(List.of(anonymous)).get(0), StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("operator").doesNotContain("terminal").doesNotContain("reason");
    }

    @Test
    void aMessageQueuedByAnEarlierVersionReadsWithoutThem() throws Exception {
        JsonNode old = JSON.readTree("{\"eventId\":\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\",\"at\":\"2024-04-01T00:00:00Z\","
                + "\"line\":\"cs\",\"direction\":\"in\",\"peer\":\"cs-131016\",\"type\":\"PING\",\"messageId\":\"M\","
                + "\"sender\":\"131016\",\"status\":\"ACK\",\"code\":\"OK\",\"detail\":null,\"persons\":[]}");

        AuditEvent e = AuditMessages.event(old);

        assertThat(e.operator()).isNull();
        assertThat(e.terminal()).isNull();
        assertThat(e.reason()).isNull();
        assertThat(AuditChain.format(e)).isEqualTo(AuditChain.FORMAT_1);
    }
}
