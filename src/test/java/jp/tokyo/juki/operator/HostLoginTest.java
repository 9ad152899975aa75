package jp.tokyo.juki.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.Test;

/** An operator on the gateway's host is identified by an operator certificate of our CA whose key they hold. */
class HostLoginTest {
    @Test
    void anOperatorCertificateIsWhatIdentifiesAnOperator() throws Exception {
        TestPki.operatorCertificate("backup.admin");
        KeyMaterial keys = TestPki.keys();
        HostLogin.Identified who = HostLogin.identify(new HostLogin.Credentials(TestPki.dir().resolve("op-backup.admin.p12"),
                TestPki.PASSWORD, "pw".toCharArray(), "ws-01"), keys.cas(), keys.crl());
        assertThat(who.operatorId()).isEqualTo("backup.admin");
        assertThatThrownBy(() -> HostLogin.identify(new HostLogin.Credentials(TestPki.dir().resolve("op-backup.admin.p12"),
                "wrong".toCharArray(), "pw".toCharArray(), "ws-01"), keys.cas(), keys.crl()))
                .isInstanceOfSatisfying(HostLogin.Refused.class, r -> assertThat(r.code()).isEqualTo("B401"));
        assertThatThrownBy(() -> HostLogin.identify(new HostLogin.Credentials(TestPki.dir().resolve("cs-131016.p12"),
                TestPki.PASSWORD, "pw".toCharArray(), "ws-01"), keys.cas(), keys.crl()))
                .isInstanceOfSatisfying(HostLogin.Refused.class, r -> assertThat(r.code()).isEqualTo("B401"))
                .hasMessageContaining("no operator certificate");
    }
}
