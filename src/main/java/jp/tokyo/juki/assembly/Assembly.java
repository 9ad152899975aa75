package jp.tokyo.juki.assembly;

import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.KeyMaterial;
import org.apache.camel.main.Main;

/**
 * What the gateway's assembly hands to the wiring of each capability: the shared platform
 * parts and the camel-main instance whose registry the route files look beans up in.
 * {@code onClose} collects what a wiring opened; the gateway closes it after the routes have
 * stopped, in reverse order.
 */
record Assembly(GatewayConfig config, Municipalities tokyo, AgencyDirectory agencies, KeyMaterial keys, PersonHasher hasher,
                EmbeddedDatabase database, Broker broker, AuditTap audit, Main main, List<AutoCloseable> onClose) {

    Assembly {
        onClose = onClose == null ? new ArrayList<>() : onClose;
    }

    void bind(String name, Object bean) {
        main.bind(name, bean);
    }
}
