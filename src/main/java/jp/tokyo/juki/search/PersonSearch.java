package jp.tokyo.juki.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.record.NameKeys;
import jp.tokyo.juki.search.SearchCriteria.Store;
import jp.tokyo.juki.store.SearchKeys;
import org.postgresql.PGStatement;

/**
 * An operator's search of the stores (本人確認情報検索, R-SRCH): the persons — current and deleted
 * (消除) alike, told apart — that {@link SearchCriteria} describes, in the honnin store and the fuhyo
 * store, each read on its own database role and each key kind answered from an index. At most
 * {@code maxResults} persons are shown; the answer always says how many matched (exactly up to
 * {@code countLimit} per store, else "more than"), so nothing is cut silently.
 *
 * <p>Every search is recorded before anything is shown (one {@code PERSON_SEARCH} record: operator,
 * terminal, purpose, the key kind and the counts, the persons shown as keyed hashes — never a key
 * value); a search whose record cannot be written shows nothing ({@code A503}). A refused search is
 * recorded too. The My Number is never shown: a My Number search answers the person it matched.
 */
public final class PersonSearch {
    private final DataSource honnin;
    private final DataSource fuhyo;
    private final DataSource audit;
    private final PersonHasher hasher;
    private final int maxResults;
    private final int countLimit;

    /** One person found: the 4 items, where they are kept and whether they are current. */
    public record Person(Store store, String juminhyoCode, String nameKanji, String nameKana, String birthDate, String sex,
                         String address, String municipality, boolean deleted, boolean abroad, String reason,
                         String changeDate) {
        @Override
        public String toString() {
            return "Person[" + store + "]";
        }
    }

    /**
     * What a search found: the persons shown (at most the cap), how many matched in all, and whether
     * that count is exact ({@code false}: more than {@code total} matched).
     */
    public record Result(String kind, List<Person> persons, long total, boolean exact, int cap) {
        /** Whether more persons matched than are shown: the operator should narrow the search. */
        public boolean more() {
            return !exact || total > persons.size();
        }
    }

    /**
     * @param honnin     the honnin store's role (juki_honnin)
     * @param fuhyo      the fuhyo store's role (juki_fuhyo)
     * @param audit      connections that may append to the audit chain
     * @param maxResults {@link SearchSettings#MAX_RESULTS}
     * @param countLimit {@link SearchSettings#COUNT_LIMIT}
     */
    public PersonSearch(DataSource honnin, DataSource fuhyo, DataSource audit, PersonHasher hasher, int maxResults,
                        int countLimit) {
        this.honnin = honnin;
        this.fuhyo = fuhyo;
        this.audit = audit;
        this.hasher = hasher;
        this.maxResults = maxResults;
        this.countLimit = Math.max(countLimit, maxResults);
    }

    /** The cap of persons shown. */
    public int maxResults() {
        return maxResults;
    }

    /**
     * Checks the request ({@link SearchCriteria#of}), searches, records the search and answers it.
     *
     * @throws SearchRefused {@code K400} (a field; recorded) or {@code A503} (not recorded: nothing shown)
     */
    public Result search(Actor who, Ask ask) throws SearchRefused, SQLException {
        SearchCriteria criteria;
        try {
            criteria = SearchCriteria.of(ask.purpose(), ask.stores(), ask.juminhyoCode(), ask.myNumber(), ask.nameKana(),
                    ask.nameKanji(), ask.birthDate(), ask.birthTo(), ask.sex(), ask.addressPrefix());
        } catch (IllegalArgumentException e) {
            record(who, AuditStatus.REFUSED, SearchRefused.INVALID, e.getMessage(), ask.purpose(), List.of());
            throw new SearchRefused(SearchRefused.INVALID, e.getMessage());
        }
        Result result = find(criteria);
        record(who, AuditStatus.ANSWERED, null, "key " + result.kind() + "; stores " + String.join(",",
                        criteria.stores().stream().sorted().map(Store::text).toList()) + "; shown " + result.persons().size()
                        + " of " + (result.exact() ? "" : "more than ") + result.total(), criteria.purpose(),
                result.persons().stream().map(Person::juminhyoCode).distinct().toList());
        return result;
    }

    /** A request as sent (any field null); checked by {@link #search}. */
    public record Ask(String purpose, List<String> stores, String juminhyoCode, String myNumber, String nameKana,
                      String nameKanji, String birthDate, String birthTo, String sex, String addressPrefix) {
        @Override
        public String toString() {
            return "Ask[…]";
        }
    }

    /** The search itself, without its record (the benchmark's plans and the tests' checks use the SQL of {@link #query}). */
    Result find(SearchCriteria criteria) throws SQLException {
        List<Person> found = new ArrayList<>();
        long total = 0;
        boolean exact = true;
        for (Store store : List.of(Store.HONNIN, Store.FUHYO)) {
            if (!criteria.stores().contains(store)) {
                continue;
            }
            try (Connection c = (store == Store.HONNIN ? honnin : fuhyo).getConnection()) {
                Query q = query(store, criteria);
                List<Person> rows = rows(c, store, q.sql("SELECT " + columns(store), " LIMIT " + (maxResults + 1)), q.params());
                found.addAll(rows);
                if (rows.size() <= maxResults) {
                    total += rows.size();
                } else {
                    long n = count(c, countSql(q), q.params());
                    exact &= n <= countLimit;
                    total += Math.min(n, countLimit);
                }
            }
        }
        found.sort(Comparator.comparing(Person::nameKana).thenComparing(Person::nameKanji).thenComparing(Person::birthDate)
                .thenComparing(Person::juminhyoCode).thenComparing(Person::store));
        List<Person> shown = List.copyOf(found.subList(0, Math.min(found.size(), maxResults)));
        return new Result(criteria.kind(), shown, total, exact, maxResults);
    }

    /** The statement a search of {@code store} runs first (its rows, capped) and its parameters: for the benchmark's plans. */
    public record Statement(String sql, List<String> params) {
    }

    /** The first statement {@link #search} runs on {@code store} for {@code criteria}. */
    public Statement statement(Store store, SearchCriteria criteria) {
        Query q = query(store, criteria);
        return new Statement(q.sql("SELECT " + columns(store), " LIMIT " + (maxResults + 1)), q.params());
    }

    /** The statement that counts a store's matches when they are more than the cap (for the benchmark's plans). */
    public Statement countStatement(Store store, SearchCriteria criteria) {
        Query q = query(store, criteria);
        return new Statement(countSql(q), q.params());
    }

    /**
     * Counts up to {@code countLimit + 1} matches. It reads only the key's index (an index-only scan:
     * V16_1 includes the column each prefix key is made of), so a broad key costs index pages, not a
     * heap page per match.
     */
    private String countSql(Query q) {
        return q.sql("SELECT count(*) FROM (SELECT 1", " LIMIT " + (countLimit + 1) + ") s");
    }

    /** A search's condition on one store's table, and its parameters in order. */
    record Query(String table, String where, List<String> params) {
        String sql(String head, String tail) {
            return head + " FROM " + table + " r WHERE " + where + tail;
        }
    }

    /** The condition {@code criteria} put on {@code store}'s table (alias {@code r}): each key on its index. */
    static Query query(Store store, SearchCriteria criteria) {
        List<String> where = new ArrayList<>();
        List<String> params = new ArrayList<>();
        if (criteria.juminhyoCode() != null) {
            where.add("r.juminhyo_code = CAST(? AS bpchar)");
            params.add(criteria.juminhyoCode());
        }
        if (criteria.myNumber() != null) {
            where.add("r.my_number = CAST(? AS bpchar)");
            params.add(criteria.myNumber());
        }
        if (criteria.nameKana() != null) {
            where.add("r.kana_normalized = CAST(? AS text)");
            params.add(NameKeys.kana(criteria.nameKana()));
        }
        if (criteria.nameKanji() != null) {
            prefix(where, params, SearchKeys.kanji("r"), NameKeys.kanji(criteria.nameKanji()));
        }
        if (criteria.birthDate() != null && criteria.birthTo() == null) {
            where.add("r.birth_date = CAST(? AS varchar)");
            params.add(criteria.birthDate());
        } else if (criteria.birthDate() != null) {
            where.add("r.birth_date >= CAST(? AS varchar) AND r.birth_date <= CAST(? AS varchar)");
            params.add(criteria.birthDate());
            params.add(criteria.birthTo());
        }
        if (criteria.sex() != null) {
            where.add("r.sex = CAST(? AS bpchar)");
            params.add(criteria.sex());
        }
        if (criteria.addressPrefix() != null) {
            prefix(where, params, SearchKeys.address("r"), criteria.addressPrefix());
        }
        return new Query(store == Store.HONNIN ? "honnin.resident" : "fuhyo.person", String.join(" AND ", where), params);
    }

    private static void prefix(List<String> where, List<String> params, String expression, String prefix) {
        where.add(SearchKeys.startsWith(expression));
        params.add(prefix);
        params.add(prefix);
        params.add(SearchKeys.MAX);
    }

    private static String columns(Store store) {
        return "r.juminhyo_code, r.name_kanji, r.name_kana, r.birth_date, r.sex, r.address_text, "
                + (store == Store.HONNIN ? "r.municipality_code, r.deleted, r.reason, r.change_date, false"
                : "r.managing_municipality_code, r.deleted, r.reason, r.change_date, r.status = '1'");
    }

    private static List<Person> rows(Connection c, Store store, String sql, List<String> params) throws SQLException {
        List<Person> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Person(store, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getBoolean(8), rs.getBoolean(11), rs.getString(9),
                        rs.getString(10)));
            }
        }
        return out;
    }

    private static long count(Connection c, String sql, List<String> params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A statement planned for its values each time (never a server-side prepared, generic plan): a
     * prefix or a range is only known to be narrow once its values are seen.
     */
    static PreparedStatement prepare(Connection c, String sql, List<String> params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        for (int i = 0; i < params.size(); i++) {
            ps.setString(i + 1, params.get(i));
        }
        return ps;
    }

    private void record(Actor who, AuditStatus status, String code, String detail, String purpose, List<String> codes)
            throws SearchRefused {
        try (Connection c = audit.getConnection()) {
            c.setAutoCommit(true);
            AuditWriter.insert(c, List.of(AuditEvent.of(hasher, AuditEvent.in(AuditLine.OPERATOR, who.peer(),
                    GatewayEvent.PERSON_SEARCH).status(status).code(code).detail(detail).persons(codes)
                    .operator(who.operatorId()).terminal(who.terminal()).reason(purpose))));
        } catch (SQLException e) {
            throw new SearchRefused(SearchRefused.NOT_AUDITED, "the search could not be audited; nothing is shown");
        }
    }
}
