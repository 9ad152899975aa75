package jp.tokyo.juki.assembly;

import jp.tokyo.juki.api.AuditApi;
import jp.tokyo.juki.audit.AuditDesk;
import jp.tokyo.juki.audit.AuditSettings;
import jp.tokyo.juki.console.HistoryPages;
import jp.tokyo.juki.security.Identities;
import org.apache.camel.Processor;

/**
 * The audit record's beans on the operator port: one {@link AuditDesk} on the gateway's database
 * (as its owner: it reads the audit and the provisions, and trims), the CAs with their CRLs in
 * force, the export directory ({@code juki.audit.export-dir}) and the gateway's signing key (read
 * at each export); its API actions ({@code apiAudit*}, routes/operator-audit.camel.yaml) and the
 * console's page of a person's history ({@code consoleHistory*}, routes/console-history.camel.yaml).
 */
final class AuditApiWiring {
    private AuditApiWiring() {
    }

    static void wire(Assembly a) {
        AuditDesk desk = new AuditDesk(a.database().dataSource(), a.hasher(), a.keys()::crl,
                AuditSettings.exportDir(a.config()), () -> a.keys().signer(Identities.GATEWAY));
        AuditApi api = new AuditApi(desk);
        a.bind("apiAuditPerson", (Processor) api::person);
        a.bind("apiAuditVerify", (Processor) api::verify);
        a.bind("apiAuditExport", (Processor) api::export);
        a.bind("apiAuditTrim", (Processor) api::trim);
        HistoryPages pages = new HistoryPages(desk);
        a.bind("consoleHistoryForm", (Processor) pages::form);
        a.bind("consoleHistory", (Processor) pages::history);
    }
}
