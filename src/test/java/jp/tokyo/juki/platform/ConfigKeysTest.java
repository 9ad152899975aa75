package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The known keys are the declared ones: exact keys, instances of template keys, and camel-main's checked few. */
class ConfigKeysTest {
    private static final Setting<Integer> PAGE = Setting.positive("juki.relay.page", 500, "rows", "test");
    private static final Setting<Integer> POOL = Setting.positive("juki.db.<role>.pool-size", 4, "connections", "test");
    private static final Setting<Void> OLD = Setting.retired("juki.link.businesses", "see config/agencies.yaml");

    private final ConfigKeys keys = new ConfigKeys(List.of(PAGE, POOL, OLD));

    @Test
    void aDeclaredKeyIsKnownAndAnUndeclaredOneIsNot() {
        assertThat(keys.find("juki.relay.page")).isSameAs(PAGE);
        assertThat(keys.find("juki.relay.pages")).isNull();
        assertThat(keys.find("camel.management.port")).isSameAs(ConfigKeys.MANAGEMENT_PORT);
    }

    @Test
    void anInstanceOfATemplateKeyIsKnownByItsTemplate() {
        assertThat(keys.find("juki.db.juki_honnin.pool-size")).isSameAs(POOL);
        assertThat(keys.find("juki.db.<role>.pool-size")).isSameAs(POOL);
        assertThat(keys.find("juki.db.pool-size")).isNull();
    }

    @Test
    void aKeyDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> new ConfigKeys(List.of(PAGE, Setting.whole("juki.relay.page", 1, "", "again"))))
                .hasMessage("juki.relay.page is declared twice");
    }

    @Test
    void aRetiredKeyFailsItsCheckWithWhereItsMeaningWent() {
        assertThat(keys.find("juki.link.businesses").check("TAX-01", Path.of("")))
                .isEqualTo("retired: see config/agencies.yaml");
    }

    @Test
    void aNumberOutsideItsRangeFailsItsCheckWithTheRangeAndWhy() {
        Setting<Integer> days = Setting.positive("juki.link.max-hold-days", 30, "days", "").range(1, 365, "R-LINK");
        assertThat(days.check("365", Path.of(""))).isNull();
        assertThat(days.check("366", Path.of(""))).isEqualTo("is 366; it must be 1 to 365 (R-LINK)");
        assertThat(days.check("0", Path.of(""))).isEqualTo("must be a whole number of at least 1");
    }
}
