package jp.tokyo.juki.assembly;

import java.time.Clock;
import javax.sql.DataSource;
import jp.tokyo.juki.agency.Agency;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.agency.Business;
import jp.tokyo.juki.api.CorrectionsApi;
import jp.tokyo.juki.api.DisclosureApi;
import jp.tokyo.juki.api.FormsApi;
import jp.tokyo.juki.audit.AuditSettings;
import jp.tokyo.juki.console.CorrectionPages;
import jp.tokyo.juki.console.DisclosurePages;
import jp.tokyo.juki.disclosure.AgencyNames;
import jp.tokyo.juki.disclosure.Corrections;
import jp.tokyo.juki.disclosure.Disclosures;
import jp.tokyo.juki.disclosure.FormRegister;
import jp.tokyo.juki.forms.FormPdf;
import org.apache.camel.Processor;

/**
 * The disclosure capability's beans on the operator port: its desks on the pool of its own login
 * ({@value #ROLE}, V18), the audit key, the export directory ({@code juki.audit.export-dir}, read
 * for archived records), the agencies' names (config/agencies.yaml) and the form printer
 * ({@code FormPdf::disclosure}); its API actions ({@code api{Disclosures,Forms,Corrections}*},
 * routes/operator-disclosure.camel.yaml) and console pages ({@code console*},
 * routes/console-disclosure.camel.yaml).
 */
final class DisclosureApiWiring {
    static final String ROLE = "juki_disclosure";

    private DisclosureApiWiring() {
    }

    static void wire(Assembly a) {
        DataSource db = a.database().forRole(ROLE);
        Clock clock = Clock.systemUTC();
        Disclosures disclosures = new Disclosures(db, a.hasher(), clock, AuditSettings.exportDir(a.config()),
                names(a.agencies()), FormPdf::disclosure);
        FormRegister register = new FormRegister(db, a.hasher(), clock);
        Corrections corrections = new Corrections(db, a.hasher(), clock);
        DisclosureApi api = new DisclosureApi(disclosures);
        a.bind("apiDisclosuresRegister", (Processor) api::register);
        a.bind("apiDisclosuresCheck", (Processor) api::check);
        a.bind("apiDisclosuresList", (Processor) api::list);
        a.bind("apiDisclosuresForm", (Processor) api::form);
        FormsApi forms = new FormsApi(register);
        a.bind("apiFormsList", (Processor) forms::list);
        a.bind("apiFormsHandedOver", (Processor) forms::handedOver);
        a.bind("apiFormsDestroyed", (Processor) forms::destroyed);
        CorrectionsApi corr = new CorrectionsApi(corrections);
        a.bind("apiCorrectionsRegister", (Processor) corr::register);
        a.bind("apiCorrectionsList", (Processor) corr::list);
        a.bind("apiCorrectionsDecide", (Processor) corr::decide);
        DisclosurePages pages = new DisclosurePages(disclosures, register);
        a.bind("consoleDisclosures", (Processor) pages::requests);
        a.bind("consoleDisclosuresRegister", (Processor) pages::register);
        a.bind("consoleDisclosuresCheck", (Processor) pages::check);
        a.bind("consoleDisclosuresForm", (Processor) pages::form);
        a.bind("consoleForms", (Processor) pages::forms);
        a.bind("consoleFormsHandedOver", (Processor) pages::handedOver);
        a.bind("consoleFormsDestroyed", (Processor) pages::destroyed);
        CorrectionPages correctionPages = new CorrectionPages(corrections);
        a.bind("consoleCorrections", (Processor) correctionPages::page);
        a.bind("consoleCorrectionsRegister", (Processor) correctionPages::register);
        a.bind("consoleCorrectionsDecide", (Processor) correctionPages::decide);
    }

    /** The names config/agencies.yaml gives agencies and businesses; the code where it has none. */
    private static AgencyNames names(AgencyDirectory agencies) {
        return new AgencyNames() {
            @Override
            public String agency(String agencyId) {
                return agencies.agency(agencyId).map(Agency::name).orElse(agencyId);
            }

            @Override
            public String business(String agencyId, String business) {
                return agencies.agency(agencyId).map(ag -> ag.businesses().get(business)).map(Business::name).orElse(business);
            }
        };
    }
}
