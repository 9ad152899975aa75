package jp.tokyo.juki.api;

import java.util.LinkedHashMap;
import java.util.Map;
import jp.tokyo.juki.link.HoldFigures;
import jp.tokyo.juki.link.MyNumberLink;
import org.apache.camel.Exchange;

/**
 * A maintainer's view of the My Number hold on the operator API (R-LINK): {@code POST
 * /api/link/status} answers its figures — numbers held, deliveries, when the oldest was held, the
 * maximum hold in days — and never a value.
 */
public final class LinkApi {
    private final MyNumberLink link;

    public LinkApi(MyNumberLink link) {
        this.link = link;
    }

    /** {@code POST /api/link/status}: {@code {"numbers", "deliveries", "oldestHeldAt" (ISO or null), "maxHoldDays"}}. */
    public void status(Exchange e) {
        HoldFigures f = link.figures();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("numbers", f.numbers());
        m.put("deliveries", f.deliveries());
        m.put("oldestHeldAt", f.oldestHeldAt() == null ? null : f.oldestHeldAt().toString());
        m.put("maxHoldDays", link.maxHoldDays());
        ApiReply.ok(e, m);
    }
}
