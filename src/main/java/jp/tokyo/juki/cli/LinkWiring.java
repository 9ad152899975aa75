package jp.tokyo.juki.cli;

import java.time.Clock;
import jp.tokyo.juki.link.HoldWatch;
import jp.tokyo.juki.link.LinkSettings;
import jp.tokyo.juki.link.MyNumberLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class LinkWiring {
    private static final Logger LOG = LoggerFactory.getLogger(LinkWiring.class);

    private LinkWiring() {
    }

    /**
     * R-LINK: {@code myNumberLink} (the service the agency flow calls) on its own database role,
     * and {@code myNumberHold} (purge and report) for routes/my-number-link.camel.yaml. Refuses
     * to start on settings R-LINK does not allow.
     */
    static void wire(Assembly a) {
        LinkSettings settings = LinkSettings.from(a.config());
        Clock clock = Clock.systemUTC();
        MyNumberLink link = new MyNumberLink(a.database().forRole(MyNumberLink.ROLE), settings.permission(),
                settings.maxHoldDays(), a.audit(), clock, a.config().getMillis("juki.link.erase-wait-ms", 10_000));
        a.bind("myNumberLink", link);
        a.bind("myNumberHold", new HoldWatch(link, clock));
        a.onClose().add(link);
        LOG.info("my-number link: My Number allowed for businesses {}; held at most {} days", settings.businesses(),
                settings.maxHoldDays());
    }
}
