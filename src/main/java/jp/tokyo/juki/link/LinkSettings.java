package jp.tokyo.juki.link;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import jp.tokyo.juki.platform.GatewayConfig;

/**
 * The {@code juki.link.*} settings, checked when the gateway starts: a hold longer than
 * {@link #LIMIT_DAYS} would break R-LINK (erased well under one year), so the gateway refuses
 * to start rather than run with it.
 *
 * @param maxHoldDays  how long a number may wait for its delivery's confirmation before the purge erases it
 * @param businesses   business codes ({@code juki.link.businesses}) for which 番号法 allows the My Number
 *                     in addition to what {@code config/agencies.yaml} allows per agency and business
 */
public record LinkSettings(int maxHoldDays, Set<String> businesses) {
    public static final int DEFAULT_DAYS = 30;
    public static final int LIMIT_DAYS = 365;
    static final Pattern BUSINESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    public LinkSettings {
        checkMaxHoldDays(maxHoldDays);
        for (String b : businesses) {
            if (!BUSINESS.matcher(b).matches()) {
                throw new IllegalArgumentException("configuration: juki.link.businesses: '" + b
                        + "' is not a business code (letters, digits, '.', '_', '-'; at most 32)");
            }
        }
        businesses = Set.copyOf(businesses);
    }

    static void checkMaxHoldDays(int days) {
        if (days < 1 || days > LIMIT_DAYS) {
            throw new IllegalArgumentException("configuration: juki.link.max-hold-days is " + days
                    + "; it must be 1 to " + LIMIT_DAYS + " (R-LINK: a held My Number is erased within a year)");
        }
    }

    public static LinkSettings from(GatewayConfig config) {
        Set<String> businesses = new LinkedHashSet<>();
        Arrays.stream(config.get("juki.link.businesses", "").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).forEach(businesses::add);
        return new LinkSettings(config.getInt("juki.link.max-hold-days", DEFAULT_DAYS), businesses);
    }

    public MyNumberPermission permission() {
        return MyNumberPermission.forBusinesses(businesses);
    }
}
