package jp.tokyo.juki.disclosure;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.forms.DisclosureForm;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Disclosure requests (開示請求, R-DISC), a manager's: registered with what the requester states
 * ({@link Requester}), checked against the record ({@link FourItems}), and answered with a form —
 * gathered ({@link FormContent}), printed by the given printer ({@code forms.FormPdf}) and entered in
 * the form register (帳票管理簿) in the same transaction as its audit record. The PDF is handed to
 * the caller and not kept: it holds personal data. Only a MATCHED request gives a form; printing
 * again gives a new form number.
 */
public final class Disclosures {
    /** A request as the register lists it: no item the requester stated, only what was done. */
    public record Request(String number, DisclosureForm.Store store, IdentityDocument identity, boolean statedCode,
                          CheckResult status, String person, String registeredBy, Instant registeredAt, String checkedBy,
                          Instant checkedAt) {
    }

    /**
     * A form printed: its number, the PDF (to hand over, never stored), and the registered exports
     * missing from the export directory when it was gathered (the form may lack what they hold).
     */
    public record Printed(String formNumber, String requestNumber, int pages, Instant printedAt, byte[] pdf,
                          List<String> missingArchives) {
    }

    private final DataSource db;
    private final DisclosureAudit audit;
    private final FormContent content;
    private final Function<DisclosureForm, byte[]> printer;

    /**
     * @param db        the pool of {@code juki_disclosure}
     * @param clock     the time of the records and the form's issue date
     * @param exportDir the audit export directory ({@code juki.audit.export-dir}), read for archived records
     * @param printer   the form printer ({@code FormPdf::disclosure})
     */
    public Disclosures(DataSource db, PersonHasher hasher, Clock clock, Path exportDir, AgencyNames names,
                       Function<DisclosureForm, byte[]> printer) {
        this.db = db;
        this.audit = new DisclosureAudit(hasher, clock);
        this.content = new FormContent(hasher, exportDir, names);
        this.printer = printer;
    }

    /** Registers a request as stated; nothing is looked up yet. */
    public Request register(Actor who, Requester r) throws SQLException, DisclosureRefused {
        try (Connection c = db.getConnection()) {
            return DisclosureAudit.inTransaction(c, () -> {
                String number = audit.next(c, "disclosure.request_seq", "K");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO disclosure.request (number, store, name_kana, "
                        + "name_kanji, birth_date, sex, address, stated_code, identity_document, status, registered_by, "
                        + "registered_at) VALUES (?,?,?,?,?,?,?,?,?,'REGISTERED',?,?)")) {
                    ps.setString(1, number);
                    ps.setString(2, r.store().name());
                    ps.setString(3, r.nameKana());
                    ps.setString(4, r.nameKanji());
                    ps.setString(5, r.birthDate());
                    ps.setString(6, r.sex());
                    ps.setString(7, r.address());
                    ps.setString(8, r.statedCode());
                    ps.setString(9, r.identity().name());
                    ps.setString(10, who.operatorId());
                    ps.setObject(11, now());
                    ps.executeUpdate();
                }
                audit.write(c, who, GatewayEvent.DISCLOSURE_REQUEST, AuditStatus.ASKED, null, "registered " + number + " ("
                        + r.store() + ", identity checked by " + r.identity() + (r.statedCode() == null ? "" : ", code stated")
                        + ")", List.of());
                return find(c, number);
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks a registered request against the record (4 items 突合); the result is kept and audited. */
    public Request check(Actor who, String number) throws SQLException, DisclosureRefused {
        try (Connection c = db.getConnection()) {
            return DisclosureAudit.inTransaction(c, () -> {
                Stated s = stated(c, number);
                if (s.status() != CheckResult.REGISTERED) {
                    throw new DisclosureRefused(DisclosureRefused.STATE, "request " + number + " was checked already ("
                            + s.status() + "); register a new request to check again");
                }
                StoreRows rows = new StoreRows(s.requester().store());
                Requester r = s.requester();
                StoreRows.Version stated = r.statedCode() == null ? null : rows.current(c, r.statedCode());
                List<StoreRows.Version> candidates = r.statedCode() != null ? List.of()
                        : rows.candidates(c, r.nameKana(), r.birthDate());
                List<Map<String, String>> items = candidates.stream().map(StoreRows.Version::items).toList();
                CheckResult result = FourItems.result(r, stated == null ? null : stated.items(), items);
                String matched = result != CheckResult.MATCHED ? null : stated != null ? stated.code()
                        : candidates.stream().filter(v -> FourItems.matches(r, v.items())).findFirst().orElseThrow().code();
                try (PreparedStatement ps = c.prepareStatement("UPDATE disclosure.request SET status = ?, matched_code = ?, "
                        + "person = ?, checked_by = ?, checked_at = ? WHERE number = ?")) {
                    ps.setString(1, result.name());
                    ps.setString(2, matched);
                    ps.setString(3, matched == null ? null : audit.hash(matched));
                    ps.setString(4, who.operatorId());
                    ps.setObject(5, now());
                    ps.setString(6, number);
                    ps.executeUpdate();
                }
                // a MISMATCH names the person whose code was stated: someone asked for their record with other items
                List<String> persons = matched != null ? List.of(matched)
                        : result == CheckResult.MISMATCH ? List.of(r.statedCode()) : List.of();
                audit.write(c, who, GatewayEvent.DISCLOSURE_REQUEST, result == CheckResult.MATCHED ? AuditStatus.ALLOWED
                        : AuditStatus.REFUSED, null, "checked " + number + ": " + result, persons);
                return find(c, number);
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The latest requests, newest first (at most {@code limit}). */
    public List<Request> list(int limit) throws SQLException {
        List<Request> out = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY registered_at DESC, number DESC LIMIT ?")) {
            ps.setInt(1, Math.max(1, Math.min(limit, 1000)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(request(rs));
                }
            }
        }
        return out;
    }

    /** One request. */
    public Request get(String number) throws SQLException, DisclosureRefused {
        try (Connection c = db.getConnection()) {
            return find(c, number);
        }
    }

    /**
     * Prints the form of a MATCHED request and enters it in the form register with its audit
     * record; answers the PDF, which the gateway does not keep.
     */
    public Printed print(Actor who, String number) throws SQLException, DisclosureRefused, IOException {
        try (Connection c = db.getConnection()) {
            return DisclosureAudit.inTransaction(c, () -> {
                Stated s = stated(c, number);
                if (s.status() != CheckResult.MATCHED) {
                    throw new DisclosureRefused(DisclosureRefused.STATE, "request " + number + " is " + s.status()
                            + ": only a request MATCHED against the record gives a form");
                }
                String form = audit.next(c, "disclosure.form_seq", "D");
                Instant at = audit.clock().instant();
                FormContent.Gathered g = content.gather(c, form, LocalDate.ofInstant(at, DisclosureAudit.JST), number,
                        s.requester().store(), s.matchedCode());
                byte[] pdf = printer.apply(g.form());
                int pages;
                try (PDDocument d = Loader.loadPDF(pdf)) {
                    pages = d.getNumberOfPages();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO disclosure.form (number, request, person, pages, "
                        + "printed_by, printed_at) VALUES (?,?,?,?,?,?)")) {
                    ps.setString(1, form);
                    ps.setString(2, number);
                    ps.setString(3, audit.hash(s.matchedCode()));
                    ps.setInt(4, pages);
                    ps.setString(5, who.operatorId());
                    ps.setObject(6, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                audit.write(c, who, GatewayEvent.DISCLOSURE_FORM, AuditStatus.ANSWERED, null, "printed " + form + " for "
                        + number + " (" + pages + " pages, " + g.form().provisions().size() + " provisions, "
                        + g.form().notices().size() + " notices" + (g.form().formerCodes().isEmpty() ? ""
                        : ", former codes: " + g.form().formerCodes().size()) + (g.missingArchives().isEmpty() ? ""
                        : "; exports not in the export directory: " + String.join(", ", g.missingArchives())) + ")",
                        List.of(s.matchedCode()));
                return new Printed(form, number, pages, at, pdf, g.missingArchives());
            });
        }
    }

    /** What the requester stated, the check's result and the person it matched. */
    record Stated(Requester requester, CheckResult status, String matchedCode) {
    }

    /** The request with the requester's items, locked for the step; J404 when there is none. */
    static Stated stated(Connection c, String number) throws SQLException, DisclosureRefused {
        try (PreparedStatement ps = c.prepareStatement("SELECT store, name_kana, name_kanji, birth_date, sex, address, "
                + "stated_code, identity_document, status, matched_code FROM disclosure.request WHERE number = ? FOR UPDATE")) {
            ps.setString(1, number == null ? "" : number.strip());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw noSuch();
                }
                Requester r = new Requester(DisclosureForm.Store.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                        IdentityDocument.valueOf(rs.getString(8)));
                return new Stated(r, CheckResult.valueOf(rs.getString(9)), rs.getString(10));
            }
        }
    }

    private static final String SELECT = "SELECT number, store, identity_document, stated_code IS NOT NULL, status, person, "
            + "registered_by, registered_at, checked_by, checked_at FROM disclosure.request";

    private static Request find(Connection c, String number) throws SQLException, DisclosureRefused {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE number = ?")) {
            ps.setString(1, number == null ? "" : number.strip());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw noSuch();
                }
                return request(rs);
            }
        }
    }

    private static Request request(ResultSet rs) throws SQLException {
        return new Request(rs.getString(1), DisclosureForm.Store.valueOf(rs.getString(2)),
                IdentityDocument.valueOf(rs.getString(3)), rs.getBoolean(4), CheckResult.valueOf(rs.getString(5)),
                rs.getString(6), rs.getString(7), instant(rs.getTimestamp(8)), rs.getString(9), instant(rs.getTimestamp(10)));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static DisclosureRefused noSuch() {
        return new DisclosureRefused(DisclosureRefused.NO_SUCH, "no such disclosure request");
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(audit.clock().instant(), ZoneOffset.UTC);
    }
}
