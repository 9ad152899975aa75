package jp.tokyo.juki.assembly;

import java.time.Clock;
import jp.tokyo.juki.link.HoldWatch;
import jp.tokyo.juki.link.LinkSettings;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.link.MyNumberPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class LinkWiring {
    private static final Logger LOG = LoggerFactory.getLogger(LinkWiring.class);

    private LinkWiring() {
    }

    /**
     * R-LINK: {@code myNumberLink} (the service the agency flow calls) on its own database role, allowing
     * the My Number where config/agencies.yaml does, and {@code myNumberHold} (purge and report) for
     * routes/my-number-link.camel.yaml. Refuses to start on settings R-LINK does not allow.
     */
    static MyNumberLink wire(Assembly a) {
        LinkSettings settings = LinkSettings.from(a.config());
        Clock clock = Clock.systemUTC();
        MyNumberPermission permission = (business, requester) -> a.agencies().allowsMyNumber(requester, business);
        MyNumberLink link = new MyNumberLink(a.database().forRole(MyNumberLink.ROLE), permission,
                settings.maxHoldDays(), a.audit(), clock, settings.eraseWait());
        a.bind("myNumberLink", link);
        a.bind("myNumberHold", new HoldWatch(link, clock));
        a.onClose().add(link);
        LOG.info("my-number link: My Number allowed as config/agencies.yaml says; held at most {} days",
                settings.maxHoldDays());
        return link;
    }
}
