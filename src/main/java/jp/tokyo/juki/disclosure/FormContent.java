package jp.tokyo.juki.disclosure;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.audit.PersonHistory;
import jp.tokyo.juki.forms.DisclosureForm;
import jp.tokyo.juki.forms.DisclosureForm.Change;
import jp.tokyo.juki.forms.DisclosureForm.Item;
import jp.tokyo.juki.forms.DisclosureForm.Notice;
import jp.tokyo.juki.forms.DisclosureForm.Provision;
import jp.tokyo.juki.wire.MessageType;

/**
 * Gathers what a disclosure form shows for one person of one store: the current record (a deleted
 * person's too), the record's changes (the items that differ between consecutive versions), every
 * notice to that store's national server and every provision or transfer to an agency — under the
 * person's code and under each former 住民票コード, from the live tables and from the audit
 * archives in the export directory ({@link ArchivedExchanges}).
 */
final class FormContent {
    /** Who issues the forms (printed as the issuer). */
    static final String ISSUER = "東京都知事";

    /** The form and what a reader of the register should know about its completeness. */
    record Gathered(DisclosureForm form, List<String> missingArchives) {
    }

    private final PersonHasher hasher;
    private final Path exportDir;
    private final AgencyNames names;

    FormContent(PersonHasher hasher, Path exportDir, AgencyNames names) {
        this.hasher = hasher;
        this.exportDir = exportDir;
        this.names = names;
    }

    Gathered gather(Connection c, String formNumber, LocalDate issuedOn, String requestNumber, DisclosureForm.Store store,
                    String code) throws SQLException, IOException, DisclosureRefused {
        StoreRows rows = new StoreRows(store);
        StoreRows.Version now = rows.current(c, code);
        if (now == null) {
            throw new DisclosureRefused(DisclosureRefused.STATE, "the person is no longer in the store: no form");
        }
        List<Item> record = new ArrayList<>();
        now.items().forEach((k, v) -> record.add(new Item(k, v)));
        List<String> former = rows.formerCodes(c, code);
        List<String> codes = new ArrayList<>(List.of(code));
        codes.addAll(former);
        List<String> hashes = codes.stream().map(hasher::hash).toList();

        List<Change> history = history(c, rows, code, former);
        String noticeType = (store == DisclosureForm.Store.HONNIN ? MessageType.HONNIN_NOTICE : MessageType.FUHYO_NOTICE).name();
        String line = store == DisclosureForm.Store.HONNIN ? "NATIONAL" : "NATIONAL_FUHYO";
        List<Notice> notices = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (String h : hashes) {
            for (PersonHistory.Exchange x : PersonHistory.exchanges(c, h)) {
                if (isNotice(x, noticeType) && (x.seq() == 0 || seen.add(x.seq()))) {
                    notices.add(new Notice(x.at(), line, x.type(), x.status()));
                }
            }
        }
        ArchivedExchanges.Found archived = ArchivedExchanges.read(c, exportDir, hashes);
        for (PersonHistory.Exchange x : archived.exchanges()) {
            if (isNotice(x, noticeType) && seen.add(x.seq())) {
                notices.add(new Notice(x.at(), line, x.type(), x.status()));
            }
        }
        notices.sort(Comparator.comparing(Notice::at));
        List<Provision> provisions = new ArrayList<>();
        for (String h : hashes) {
            for (PersonHistory.Provision p : PersonHistory.provisions(c, h)) {
                provisions.add(new Provision(p.at(), names.agency(p.agency()), p.kind(),
                        p.business() == null ? "" : names.business(p.agency(), p.business()),
                        p.legalBasis() == null ? "" : p.legalBasis(), p.items(), p.outcome(), false));
            }
        }
        provisions.sort(Comparator.comparing(Provision::at));
        DisclosureForm form = new DisclosureForm(formNumber, issuedOn, ISSUER, requestNumber, store, List.copyOf(record),
                now.deleted(), former, history, List.copyOf(notices), List.copyOf(provisions));
        return new Gathered(form, archived.missing());
    }

    private static boolean isNotice(PersonHistory.Exchange x, String type) {
        return "national".equals(x.line()) && type.equals(x.type());
    }

    /** The changes of the person under every code, oldest first; a code change shows once, on the new code. */
    private static List<Change> history(Connection c, StoreRows rows, String code, List<String> former) throws SQLException {
        List<List<StoreRows.Version>> all = new ArrayList<>();
        all.add(rows.versions(c, code));
        for (String f : former) {
            all.add(rows.versions(c, f));
        }
        List<Change> out = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            List<StoreRows.Version> versions = all.get(k);
            for (int i = 0; i < versions.size(); i++) {
                StoreRows.Version v = versions.get(i);
                if (k > 0 && v.endedByCodeChange()) {
                    continue; // the same change as the new code's first version, shown there
                }
                StoreRows.Version prev = i > 0 ? versions.get(i - 1) : endedBy(all, v);
                out.add(new Change(v.changeDate(), v.reason(), v.updatedAt(), prev == null ? List.of() : changed(rows, prev, v)));
            }
        }
        out.sort(Comparator.comparing(Change::recordedAt));
        return List.copyOf(out);
    }

    /** For a code's first version written by a code change: the former code's version it continues. */
    private static StoreRows.Version endedBy(List<List<StoreRows.Version>> all, StoreRows.Version first) {
        for (List<StoreRows.Version> versions : all) {
            for (int i = 1; i < versions.size(); i++) {
                StoreRows.Version v = versions.get(i);
                if (v.endedByCodeChange() && v.updateSeq() == first.updateSeq() && !v.code().equals(first.code())) {
                    return versions.get(i - 1);
                }
            }
        }
        return null;
    }

    /** The items whose values differ between two versions, the gateway's stamp left out. */
    static List<String> changed(StoreRows rows, StoreRows.Version before, StoreRows.Version after) {
        List<String> out = new ArrayList<>();
        Map<String, String> a = before.items();
        Map<String, String> b = after.items();
        for (String item : rows.items()) {
            if (!StoreRows.STAMP.contains(item) && !Objects.equals(a.get(item), b.get(item))) {
                out.add(item);
            }
        }
        return List.copyOf(out);
    }
}
