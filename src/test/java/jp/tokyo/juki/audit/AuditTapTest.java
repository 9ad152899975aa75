package jp.tokyo.juki.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.wire.MessageType;
import org.junit.jupiter.api.Test;

/**
 * A full audit tap holds its callers (back-pressure, never loss), but not a Netty event loop,
 * which serves every connection on it: its records (connection refusals) are kept in the tap's
 * overflow and counted as waiting (issue 15 review, finding 7).
 */
class AuditTapTest {

    @Test
    void aRecordOfAnEventLoopIsKeptWithoutHoldingItWhenTheTapIsFull() throws Exception {
        // not started: nothing leaves the tap, as when the broker cannot keep up
        AuditTap tap = new AuditTap(null, "juki.audit.test", null);
        for (int i = 0; i < AuditTap.CAPACITY; i++) {
            tap.record(AuditEvent.in(AuditLine.CS, "cs-131016", MessageType.PING).id("id-" + i).sender("131016")
                    .status(AuditStatus.ACK).code("I000").detail("pong"));
        }
        assertThat(tap.full()).isTrue();
        CompletableFuture<Void> refusal = CompletableFuture.runAsync(() -> tap.recordWithoutWaiting(
                AuditEvent.in(AuditLine.CS, "cs-131016", GatewayEvent.CONNECTION).status(AuditStatus.REFUSED).code("E100")
                        .detail("frame not complete; connection closed")));
        // a plain record() would wait here until the tap has room (for ever: nothing is sent)
        refusal.get(30, TimeUnit.SECONDS);
        assertThat(tap.pending()).isEqualTo(AuditTap.CAPACITY + 1);
        assertThat(tap.oldestUnsent()).isNotNull();
    }
}
