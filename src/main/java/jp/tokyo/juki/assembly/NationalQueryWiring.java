package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.security.GeneralSecurityException;
import jp.tokyo.juki.national.NationalQuery;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class NationalQueryWiring {
    private NationalQueryWiring() {
    }

    /**
     * R-NQ: {@code nationalQuery}, the queries to the national and fuhyo national servers that the
     * agency flow calls, audited through the gateway's tap; its connections close with the gateway.
     */
    static NationalQuery wire(Assembly a) throws IOException, GeneralSecurityException {
        NationalQuery query = NationalQuery.create(a.keys(), NationalQuery.Settings.from(a.config()), a.audit());
        a.bind("nationalQuery", query);
        a.onClose().add(query);
        return query;
    }
}
