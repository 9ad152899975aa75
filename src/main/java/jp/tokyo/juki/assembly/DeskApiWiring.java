package jp.tokyo.juki.assembly;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.sql.DataSource;
import jp.tokyo.juki.agency.RequestLedger;
import jp.tokyo.juki.api.ApprovalsApi;
import jp.tokyo.juki.api.LinkApi;
import jp.tokyo.juki.api.NationalQueryApi;
import jp.tokyo.juki.api.StatusApi;
import jp.tokyo.juki.console.ApprovalPages;
import jp.tokyo.juki.console.NationalQueryPages;
import jp.tokyo.juki.console.StatusPage;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.national.NationalQuery;
import org.apache.camel.Processor;

/**
 * The operator port's actions of the manager's, the searcher's and the maintainer's desks, for
 * routes/operator-approvals, -national, -link, -status and console-approvals, -national, -status:
 * approvals of bulk agency requests ({@code apiApprovals*}, {@code consoleApprovals*}) on the agency
 * role; the national query ({@code apiNationalQuery}, {@code consoleNational*}) on a query line of
 * its own whose audit records are committed straight into the chain; the My Number hold's figures
 * ({@code apiLinkStatus}) of the gateway's {@code myNumberLink}; and the status
 * ({@code apiStatus}, {@code consoleStatus}) from the health checks and the metrics registry.
 */
final class DeskApiWiring {
    private DeskApiWiring() {
    }

    /** @param auditDb connections that may append to the audit chain (the operator port's own) */
    static void wire(Assembly a, DataSource auditDb) {
        ApprovalsApi approvals = new ApprovalsApi(a.database().forRole(RequestLedger.ROLE));
        a.bind("apiApprovalsList", (Processor) approvals::list);
        a.bind("apiApprovalsApprove", (Processor) approvals::approve);
        a.bind("apiApprovalsReject", (Processor) approvals::reject);
        ApprovalPages approvalPages = new ApprovalPages(approvals);
        a.bind("consoleApprovals", (Processor) approvalPages::list);
        a.bind("consoleApprovalsApprove", (Processor) approvalPages::approve);
        a.bind("consoleApprovalsReject", (Processor) approvalPages::reject);

        NationalQuery operatorsQuery;
        try {
            operatorsQuery = NationalQuery.create(a.keys(), NationalQuery.Settings.from(a.config()),
                    NationalQueryApi.directAudit(auditDb, a.hasher()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the operators' national query line: the gateway's keys could not be read ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        a.onClose().add(operatorsQuery);
        NationalQueryApi national = new NationalQueryApi(operatorsQuery);
        a.bind("apiNationalQuery", (Processor) national::query);
        NationalQueryPages nationalPages = new NationalQueryPages(national);
        a.bind("consoleNationalForm", (Processor) nationalPages::form);
        a.bind("consoleNationalQuery", (Processor) nationalPages::query);

        MyNumberLink link = a.main().lookup("myNumberLink", MyNumberLink.class);
        if (link == null) {
            throw new IllegalStateException("the operator port's link status needs myNumberLink: wire the link first");
        }
        a.bind("apiLinkStatus", (Processor) new LinkApi(link)::status);

        // the metrics registry is bound after the operator port (ObservabilityWiring): looked up when asked
        StatusApi status = new StatusApi(() -> a.main().lookup("metricsRegistry", MeterRegistry.class),
                () -> approvals.waiting().size());
        a.bind("apiStatus", (Processor) status::status);
        a.bind("consoleStatus", (Processor) new StatusPage(status)::show);
    }
}
