package jp.tokyo.juki.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.cs.CsRequests;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CS route of {@code routes/cs-listener.camel.yaml} as operators deploy it, with stand-in steps:
 * a route test of the YAML (dispatch by message type, the catch path, the steps every request
 * passes), in seconds and without a database, broker or TLS. The stand-ins are small recording
 * processors ({@link StandIns.Recorder}): csOpen's takes the message type from the body, the others
 * only note that they ran. What each real step does is tested with its class and end to end
 * ({@code CsLineIT}).
 */
class CsListenerRouteTest extends RouteFileTestSupport {
    /** the steps before the flow: a place in the connection's reply order, then the envelope */
    private static final List<String> BEFORE = List.of("csTicket", "csOpen");
    /** the steps after the flow: every request, reply and refusal is audited, counted, encoded and answered in order */
    private static final List<String> AFTER = List.of("csAuditTap", "csReplyCounter", "csEncode", "csWrap", "csInOrder");

    @Override
    void beforeStart() {
        beans.recorder("csOpen").then(StandIns::typeFromBody);
    }

    private List<String> send(String type) {
        Exchange done = template.send(CS, e -> e.getIn().setBody(type));
        assertThat(done.getException()).as("exception after the route").isNull();
        return StandIns.trace(done);
    }

    private static List<String> steps(String... flow) {
        List<String> steps = new ArrayList<>(BEFORE);
        steps.addAll(List.of(flow));
        steps.addAll(AFTER);
        return steps;
    }

    @ParameterizedTest(name = "{0} goes to {1}")
    @CsvSource({
            "HONNIN_UPDATE, honninUpdates",
            "FUHYO_UPDATE, fuhyoUpdates",
            "CONSISTENCY_BEGIN, consistency",
            "CONSISTENCY_RECORDS, consistency",
            "CONSISTENCY_END, consistency",
            "PING, csPing"})
    void eachMessageTypeGoesToItsFlowAndOnlyThere(String type, String flow) {
        assertThat(send(type)).containsExactlyElementsOf(steps(flow));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CsRequests.REFUSED, CsRequests.UNTRUSTED, "HONNIN_QUERY", "consistency_begin"})
    void aRefusedRequestSkipsTheFlowsButIsStillAuditedEncodedAndAnsweredInOrder(String type) {
        assertThat(send(type)).containsExactlyElementsOf(steps());
    }

    @Test
    void aFlowThatThrowsIsAnsweredByCsFailureAndStillAuditedEncodedAndAnsweredInOrder() {
        IllegalStateException boom = new IllegalStateException("flow failed");
        beans.recorder("honninUpdates").then(e -> {
            throw boom;
        });
        Object[] caught = new Object[1];
        beans.recorder("csFailure").then(e -> caught[0] = e.getProperty(Exchange.EXCEPTION_CAUGHT));

        assertThat(send("HONNIN_UPDATE")).containsExactlyElementsOf(steps("honninUpdates", "csFailure"));
        assertThat(caught[0]).as("the exception csFailure sees").isSameAs(boom);
    }

    @Test
    void csOpenThatThrowsIsAnsweredByCsFailureAndNoFlowRuns() {
        beans.recorder("csOpen").then(e -> {
            throw new IllegalArgumentException("envelope");
        });
        assertThat(send("HONNIN_UPDATE")).containsExactlyElementsOf(steps("csFailure"));
    }

    @Test
    void eachRequestIsAnExchangeOfItsOwn() {
        send("PING");
        send("FUHYO_UPDATE");
        assertThat(beans.recorder("csOpen").calls()).isEqualTo(2);
        assertThat(beans.recorder("csPing").calls()).isEqualTo(1);
        assertThat(beans.recorder("fuhyoUpdates").calls()).isEqualTo(1);
        assertThat(beans.recorder("csInOrder").calls()).isEqualTo(2);
    }
}
