package jp.tokyo.juki.agency;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import jp.tokyo.juki.link.LinkOutcome;
import jp.tokyo.juki.link.LinkUnavailableException;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.national.NationalQuery;
import jp.tokyo.juki.national.QueryKey;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.wire.AgencyFileFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Answers the rows of one request file (SPEC R-PROV): each row is checked against the agency's
 * businesses ({@link RequestRules}), looked up in Tokyo's honnin store, then its fuhyo store,
 * then at the national servers (R-NQ) — the stores in batches, the national servers several
 * queries at a time — and answered with only the items its business may receive. A person
 * abroad found in the fuhyo store gets the My Number only through R-LINK, held for this
 * delivery. A row asked by 住民票コード or My Number that also carries the name or the birth date
 * is answered only when they match the person found ({@link RequestRules#mismatch}, 突合): else
 * {@code MISMATCH}, no item given, the reason naming the columns that differ. Every row yields a
 * {@link Provision} record.
 */
public final class RequestAnswers {
    /** Result CSV header (PROTOCOL §4). */
    private static final List<String> HEADER = AgencyFileFormat.RESULT_HEADER;
    private static final String NATIONAL_UNAVAILABLE = "national server unavailable; ask again later";

    /** The answer to a file: one provision record per row, the count per status, and the result CSV to write. */
    public record Answer(List<Provision> provisions, Map<String, Integer> counts, DropFolder.PartWriter csv) {
        @Override
        public String toString() {
            return "Answer[" + counts + "]";
        }
    }

    private final StoreSearch honnin;
    private final StoreSearch fuhyo;
    private final NationalQuery national;
    private final MyNumberLink link;
    private final Function<String, String> personHash;
    private final ExecutorService nationalPool;

    /**
     * @param national     null: persons not in Tokyo's stores are NOT_FOUND
     * @param link         null: no My Number for persons abroad
     * @param personHash   the audit's keyed hash of a 住民票コード
     * @param nationalPool runs national queries side by side
     */
    public RequestAnswers(StoreSearch honnin, StoreSearch fuhyo, NationalQuery national, MyNumberLink link,
                          Function<String, String> personHash, ExecutorService nationalPool) {
        this.honnin = honnin;
        this.fuhyo = fuhyo;
        this.national = national;
        this.link = link;
        this.personHash = personHash;
        this.nationalPool = nationalPool;
    }

    /** One row as it is being answered. */
    private static final class Work {
        final RequestCsv.Row row;
        final RequestRules.Decision decision;
        String status;
        String note;
        Found found;
        /** the person a row found but did not match (MISMATCH): whom its provision record concerns; nothing given */
        Found mismatched;

        Work(RequestCsv.Row row, RequestRules.Decision decision) {
            this.row = row;
            this.decision = decision;
        }

        Business.KeyType keyType() {
            return decision instanceof RequestRules.Decision.Allowed a ? a.keyType() : null;
        }

        Business business() {
            return decision instanceof RequestRules.Decision.Allowed a ? a.business() : null;
        }

        boolean open() {
            return status == null;
        }

        /** Whether the row's business may receive this result column. */
        boolean decisionAllows(String column) {
            Business b = business();
            return b != null && b.items().contains(column);
        }
    }

    /** @param deliveryId the R-LINK delivery of this answer (the same on every attempt at the same file) */
    public Answer answer(Agency agency, String deliveryId, List<RequestCsv.Row> rows) throws SQLException {
        List<Work> work = new ArrayList<>(rows.size());
        for (RequestCsv.Row row : rows) {
            Work w = new Work(row, RequestRules.check(agency, row));
            if (w.decision instanceof RequestRules.Decision.Refused r) {
                w.status = "REFUSED";
                w.note = r.reason();
            } else if (w.decision instanceof RequestRules.Decision.Invalid i) {
                w.status = "INVALID";
                w.note = i.reason();
            }
            work.add(w);
        }
        search(honnin, work);
        search(fuhyo, work);
        askNational(agency, work);
        crossCheck(work);
        linkMyNumbers(agency, deliveryId, work);
        return write(agency, work);
    }

    private void search(StoreSearch store, List<Work> work) throws SQLException {
        for (Business.KeyType type : Business.KeyType.values()) {
            List<Work> asked = work.stream().filter(w -> w.open() && w.keyType() == type).toList();
            if (asked.isEmpty()) {
                continue;
            }
            List<List<Found>> found = switch (type) {
                case JUMINHYO_CODE -> store.byJuminhyoCode(asked.stream().map(w -> w.row.juminhyoCode()).toList());
                case MY_NUMBER -> store.byMyNumber(asked.stream().map(w -> w.row.myNumber()).toList());
                case FOUR_INFO -> store.byFourInfo(asked.stream().map(w -> new StoreSearch.FourInfo(w.row.nameKana(),
                        w.row.nameKanji(), w.row.birthDate(), w.row.sex(), w.row.address())).toList());
            };
            for (int i = 0; i < asked.size(); i++) {
                settle(asked.get(i), found.get(i));
            }
        }
    }

    /** One person in a Tokyo store: FOUND; several: MULTIPLE; none: still open for the next place to ask. */
    private static void settle(Work w, List<Found> found) {
        if (found.size() == 1) {
            w.status = "FOUND";
            w.found = found.get(0);
        } else if (found.size() > 1) {
            w.status = "MULTIPLE";
        }
    }

    /** Rows neither Tokyo store knows: the national server, then (not by My Number) the fuhyo national server. */
    private void askNational(Agency agency, List<Work> work) {
        List<Work> asked = work.stream().filter(Work::open).toList();
        if (national == null) {
            asked.forEach(w -> w.status = "NOT_FOUND");
            return;
        }
        List<CompletableFuture<Void>> queries = new ArrayList<>(asked.size());
        for (Work w : asked) {
            queries.add(CompletableFuture.runAsync(() -> askNational(agency, w), nationalPool));
        }
        queries.forEach(CompletableFuture::join);
    }

    private void askNational(Agency agency, Work w) {
        QueryKey key = switch (w.keyType()) {
            case JUMINHYO_CODE -> QueryKey.juminhyoCode(w.row.juminhyoCode());
            case MY_NUMBER -> QueryKey.myNumber(w.row.myNumber());
            case FOUR_INFO -> QueryKey.fourInfo(w.row.nameKana(), w.row.nameKanji(), w.row.birthDate(), w.row.sex(),
                    w.row.address());
        };
        NationalQuery.Outcome<HonninRecord> h = national.query(NationalQuery.Store.HONNIN, key, agency.identity());
        if (nationalSettles(w, h, RequestAnswers::fromNational)) {
            return;
        }
        if (w.keyType() != Business.KeyType.MY_NUMBER) {
            NationalQuery.Outcome<FuhyoRecord> f = national.query(NationalQuery.Store.FUHYO, key, agency.identity());
            if (nationalSettles(w, f, RequestAnswers::fromNationalFuhyo)) {
                return;
            }
            if (f.result() == NationalQuery.Result.UNAVAILABLE) {
                h = new NationalQuery.Outcome<>(NationalQuery.Result.UNAVAILABLE, f.queryId(), List.of(), f.code(), null);
            }
        }
        w.status = "NOT_FOUND";
        if (h.result() == NationalQuery.Result.UNAVAILABLE) {
            w.note = NATIONAL_UNAVAILABLE;
        }
    }

    private static <R> boolean nationalSettles(Work w, NationalQuery.Outcome<R> o, Function<R, Found> toFound) {
        switch (o.result()) {
            case FOUND -> {
                w.status = "FOUND_NATIONAL";
                w.found = toFound.apply(o.record());
                return true;
            }
            case SEVERAL -> {
                w.status = "MULTIPLE";
                return true;
            }
            case REFUSED -> {
                w.status = "INVALID";
                w.note = "refused by the national server (" + o.code() + ")";
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static Found fromNational(HonninRecord r) {
        Map<String, String> items = items(r.juminhyoCode(), r.name().kanji(), r.name().kana(), r.birthDate(), r.sex(),
                r.address().text());
        items.put("my_number", r.myNumber());
        return new Found(Found.Source.NATIONAL, r.juminhyoCode(), items, false);
    }

    private static Found fromNationalFuhyo(FuhyoRecord r) {
        return new Found(Found.Source.NATIONAL_FUHYO, r.juminhyoCode(), items(r.juminhyoCode(), r.name().kanji(),
                r.name().kana(), r.birthDate(), r.sex(), r.address().text()), false);
    }

    /** The result columns a national record answers (no 異動事由 or date: the national answer has none). */
    private static Map<String, String> items(String code, String kanji, String kana, String birthDate, String sex,
                                             String address) {
        Map<String, String> items = new LinkedHashMap<>();
        items.put("juminhyo_code", code);
        items.put("name_kanji", kanji);
        items.put("name_kana", kana);
        items.put("birth_date", birthDate);
        items.put("sex", sex);
        items.put("address", address);
        return items;
    }

    /** 突合: a person found by 住民票コード or My Number whose record the row's name or birth date does not match is no answer. */
    private static void crossCheck(List<Work> work) {
        for (Work w : work) {
            if (w.found == null) {
                continue;
            }
            String differ = RequestRules.mismatch(w.row, w.keyType(), w.found.items());
            if (differ != null) {
                w.status = "MISMATCH";
                w.note = differ;
                w.mismatched = w.found;
                w.found = null;
            }
        }
    }

    /** R-LINK: the My Number of a person abroad found in Tokyo's fuhyo store, where the business may have it. */
    private void linkMyNumbers(Agency agency, String deliveryId, List<Work> work) {
        for (Work w : work) {
            if (w.found == null || w.found.source() != Found.Source.FUHYO || !w.found.abroad()
                    || !w.business().myNumber() || !w.business().items().contains("my_number")) {
                continue;
            }
            if (link == null) {
                w.note = "my_number: not available (R-LINK not running)";
                continue;
            }
            try {
                LinkOutcome o = link.obtain(w.business().code(), agency.id(), deliveryId, w.found.juminhyoCode());
                if (o instanceof LinkOutcome.Granted g) {
                    Map<String, String> items = new LinkedHashMap<>(w.found.items());
                    items.put("my_number", g.myNumber());
                    w.found = new Found(w.found.source(), w.found.juminhyoCode(), items, true);
                } else if (o instanceof LinkOutcome.Refused r) {
                    w.note = "my_number: not given (" + r.refusal().code() + ")";
                }
            } catch (LinkUnavailableException e) {
                w.note = "my_number: not available now (L503); ask again later";
            }
        }
    }

    private Answer write(Agency agency, List<Work> work) {
        List<Provision> provisions = new ArrayList<>(work.size());
        Map<String, Integer> counts = new TreeMap<>();
        for (Work w : work) {
            counts.merge(w.status, 1, Integer::sum);
            Business business = business(agency, w);
            List<String> given = new ArrayList<>();
            for (String column : HEADER.subList(2, HEADER.size())) {
                String value = item(w, column);
                if (value != null && !value.isEmpty()) {
                    given.add(column);
                }
            }
            provisions.add(new Provision(w.row.line(), agency.id(), agency.kind(),
                    business == null ? null : business.code(), business == null ? null : business.legalBasis(),
                    RequestRules.isRequestId(w.row.requestId()) ? w.row.requestId() : null, // else it may be anything
                    w.keyType() == null ? null : w.keyType().name(), person(w), given, w.status, w.note));
        }
        return new Answer(provisions, counts, out -> print(work, out));
    }

    private static Business business(Agency agency, Work w) {
        return w.business() != null ? w.business()
                : w.row.business() == null ? null : agency.businesses().get(w.row.business());
    }

    /** An item of the person found that the row's business may receive, else null. */
    private static String item(Work w, String column) {
        return w.found == null || !w.decisionAllows(column) ? null : w.found.items().get(column);
    }

    /** A result column of a row: {@link #item}, or (no person) why not. */
    private static String value(Work w, String column) {
        if (column.equals("reason") && w.found == null) {
            return w.note; // a row with no person: why (PROTOCOL §4 has one reason column)
        }
        return item(w, column);
    }

    /** The result CSV, streamed (it is never whole in memory): the caller signs and encrypts as it is written. */
    private static void print(List<Work> work, OutputStream out) throws IOException {
        Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        CSVPrinter csv = AgencyFileFormat.print(text);
        csv.printRecord(HEADER);
        List<String> cells = new ArrayList<>(HEADER.size());
        for (Work w : work) {
            cells.clear();
            cells.add(w.row.requestId());
            cells.add(w.status);
            for (String column : HEADER.subList(2, HEADER.size())) {
                String value = value(w, column);
                cells.add(value == null ? "" : value);
            }
            csv.printRecord(cells);
        }
        csv.flush(); // not closed: the stream beneath is the caller's
    }

    /** Whom a row concerned: the person found (or found and not matched), or the 住民票コード it asked by (refused rows too). */
    private String person(Work w) {
        if (w.found != null) {
            return personHash.apply(w.found.juminhyoCode());
        }
        if (w.mismatched != null) {
            return personHash.apply(w.mismatched.juminhyoCode());
        }
        String asked = w.row.juminhyoCode();
        boolean byCode = w.keyType() == Business.KeyType.JUMINHYO_CODE
                || (w.keyType() == null && "JUMINHYO_CODE".equals(w.row.keyType()));
        return byCode && asked != null && CheckDigits.isValidJuminhyoCode(asked) ? personHash.apply(asked) : null;
    }
}
