package jp.tokyo.juki.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/** Which browser requests the console takes as coming from its own pages (the gate's C403 check). */
class SameOriginTest {

    private static Message request(Map<String, String> headers) {
        Message m = new DefaultMessage(new DefaultCamelContext());
        m.setHeader("Host", "gw.example:8443");
        headers.forEach(m::setHeader);
        return m;
    }

    @Test
    void aFormOfOurOwnNoReferrerPageSendsOriginNullAndIsTakenOnlyWithSecFetchSiteSameOrigin() {
        assertThat(ApiGate.sameOrigin(request(Map.of("Origin", "null", "Sec-Fetch-Site", "same-origin")))).isTrue();
        assertThat(ApiGate.sameOrigin(request(Map.of("Origin", "null", "Sec-Fetch-Site", "cross-site")))).isFalse();
        // a sandboxed or data: page elsewhere also sends Origin: null; without the browser's word it is not ours
        assertThat(ApiGate.sameOrigin(request(Map.of("Origin", "null")))).isFalse();
    }

    @Test
    void anOriginNamingThisHostIsOursAnotherIsNot() {
        assertThat(ApiGate.sameOrigin(request(Map.of("Origin", "https://gw.example:8443", "Sec-Fetch-Site", "same-origin"))))
                .isTrue();
        assertThat(ApiGate.sameOrigin(request(Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "same-origin"))))
                .isFalse();
        assertThat(ApiGate.sameOrigin(request(Map.of("Sec-Fetch-Site", "same-site")))).isFalse();
        assertThat(ApiGate.sameOrigin(request(Map.of("Sec-Fetch-Site", "none")))).isTrue();
    }
}
