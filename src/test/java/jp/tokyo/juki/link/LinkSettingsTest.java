package jp.tokyo.juki.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import jp.tokyo.juki.platform.GatewayConfig;
import org.junit.jupiter.api.Test;

/** R-LINK's settings: the hold's bounds, and the My Number permission only in config/agencies.yaml. */
class LinkSettingsTest {
    @Test
    void theDefaultsHoldThirtyDaysAndWaitTenSecondsBeforeTheVacuum() {
        LinkSettings s = LinkSettings.from(GatewayConfig.of(Map.of()));
        assertThat(s.maxHoldDays()).isEqualTo(30);
        assertThat(s.eraseWait()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theRetiredBusinessesKeyStopsTheStartAndSaysWhereThePermissionLivesNow() {
        assertThatThrownBy(() -> LinkSettings.from(GatewayConfig.of(Map.of("juki.link.businesses", "TAX-01"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("configuration: juki.link.businesses (application.properties) is retired: ")
                .hasMessageContaining("config/agencies.yaml").hasMessageContaining("myNumber: true");
    }

    @Test
    void theRetiredKeyStopsTheStartEvenBlank() {
        assertThatThrownBy(() -> LinkSettings.from(GatewayConfig.of(Map.of("juki.link.businesses", ""))))
                .hasMessageContaining("is retired");
    }

    @Test
    void aHoldOverOneYearIsRefused() {
        assertThatThrownBy(() -> LinkSettings.from(GatewayConfig.of(Map.of("juki.link.max-hold-days", "400"))))
                .hasMessage("configuration: juki.link.max-hold-days is 400; it must be 1 to 365 "
                        + "(R-LINK: a held My Number is erased within a year)");
    }
}
