package jp.tokyo.juki.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import jp.tokyo.juki.honnin.HonninBulkLoad;
import jp.tokyo.juki.platform.CopyText;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.record.NameKeys;
import jp.tokyo.juki.search.PersonSearch;
import jp.tokyo.juki.search.SearchCriteria;
import jp.tokyo.juki.sim.ResidentSet;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyIn;

/**
 * The search benchmark's population: one {@link ResidentSet} (so every 住民票コード and My Number is
 * distinct) spread over Tokyo's municipalities (person i lives in municipality i mod 62, the address
 * rewritten to match), COPYed into the honnin store with its secondary indexes dropped and rebuilt
 * after (a sort per index instead of millions of random index inserts), plus fuhyo persons from a
 * second set; the keys of a search drawn from person i; the plan of a search as the gateway runs it.
 */
final class SearchSeed {
    private static final String BASE = "131121";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Municipalities tokyo;
    private final List<String> codes;
    private final ResidentSet honnin;
    private final ResidentSet fuhyo;

    SearchSeed(Municipalities tokyo) {
        this.tokyo = tokyo;
        this.codes = tokyo.municipalityCodes();
        this.honnin = new ResidentSet(BASE, tokyo.name(BASE), 1);
        this.fuhyo = new ResidentSet(BASE, tokyo.name(BASE), 2);
    }

    /** Person {@code i} of the honnin store as seeded. */
    HonninRecord person(long i) {
        HonninRecord r = honnin.honnin(i);
        String m = codes.get((int) (i % codes.size()));
        Address a = r.address();
        String text = "東京都" + tokyo.name(m) + a.text().substring(honnin.addressPrefix().length());
        return new HonninRecord(r.juminhyoCode(), r.name(), r.birthDate(), r.sex(), new Address(text, a.gaijiCount(),
                a.gaijiChangeSeq(), m, a.azaCode()), r.myNumber(), r.retentionFlag(), r.gaijiFlag(), r.formerSurname());
    }

    void seed(GatewayProcess gateway, long persons, long fuhyoPersons) throws SQLException {
        List<String> honninIndexes;
        List<String> fuhyoIndexes;
        try (Connection owner = SearchBench.owner(gateway)) {
            honninIndexes = dropIndexes(owner, "honnin", "resident");
            fuhyoIndexes = dropIndexes(owner, "fuhyo", "person");
        }
        String url = "jdbc:postgresql://localhost:" + gateway.dbPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "juki_honnin", gateway.dbPassword("juki_honnin"))) {
            Iterator<HonninRecord> records = LongStream.range(0, persons).mapToObj(this::person).iterator();
            HonninBulkLoad.load(c, records, persons, BASE);
        }
        try (Connection c = DriverManager.getConnection(url, "juki_fuhyo", gateway.dbPassword("juki_fuhyo"))) {
            loadFuhyo(c, fuhyoPersons);
        }
        try (Connection owner = SearchBench.owner(gateway)) {
            // enough memory for one index's sort at 14 M rows; the embedded server's default is 64 MB
            SearchBench.execute(owner, "SET maintenance_work_mem = '1GB'");
            for (String ddl : honninIndexes) {
                SearchBench.execute(owner, ddl);
            }
            for (String ddl : fuhyoIndexes) {
                SearchBench.execute(owner, ddl);
            }
            SearchBench.execute(owner, "VACUUM ANALYZE honnin.resident");
            SearchBench.execute(owner, "VACUUM ANALYZE fuhyo.person");
        }
    }

    /** The table's and its indexes' sizes. */
    String sizes(GatewayProcess gateway) throws SQLException {
        return String.format("honnin.resident %d MiB (indexes %d MiB), fuhyo.person %d MiB (indexes %d MiB)",
                gateway.queryLong("SELECT pg_table_size('honnin.resident') >> 20"),
                gateway.queryLong("SELECT pg_indexes_size('honnin.resident') >> 20"),
                gateway.queryLong("SELECT pg_table_size('fuhyo.person') >> 20"),
                gateway.queryLong("SELECT pg_indexes_size('fuhyo.person') >> 20"));
    }

    private static List<String> dropIndexes(Connection owner, String schema, String table) throws SQLException {
        List<String> ddl = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = owner.prepareStatement("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ? "
                + "AND tablename = ? AND indexname NOT LIKE '%\\_pkey'")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    ddl.add(rs.getString(2));
                }
            }
        }
        for (String n : names) {
            SearchBench.execute(owner, "DROP INDEX " + schema + "." + n);
        }
        return ddl;
    }

    private void loadFuhyo(Connection c, long count) throws SQLException {
        c.setAutoCommit(false);
        String today = LocalDate.now().toString();
        String now = Instant.now().toString();
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY fuhyo.person (juminhyo_code, name_kanji, "
                + "name_gaiji_count, name_kana, birth_date, sex, address_municipality_code, address_text, address_gaiji_count, "
                + "last_address_text, last_address_gaiji_count, change_date, former_juminhyo_code, managing_municipality_code, "
                + "status, gaiji_flag, gaiji_pattern, notice_kind, reason, kana_normalized, operator_id, terminal_id, updated_at, "
                + "notified_date, deleted, update_seq, origin_sender, origin_id) FROM STDIN");
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < count; i++) {
            FuhyoRecord r = fuhyo.fuhyo(i);
            String m = codes.get((int) (i % codes.size()));
            String last = "東京都" + tokyo.name(m) + r.lastAddress().text().substring(fuhyo.addressPrefix().length());
            String[] f = {r.juminhyoCode(), r.name().kanji(), "0", r.name().kana(), r.birthDate(), r.sex(), m,
                r.abroad() ? "国外" : last, "0", last, "0", today, null, m, r.status(), "0", "", "ENTRY", "MOVE_IN",
                NameKeys.kana(r.name().kana()), null, null, now, today, "f", Long.toString(i + 1), BASE, "bulk-" + i};
            for (int k = 0; k < f.length; k++) {
                CopyText.append(sb, f[k]).append(k == f.length - 1 ? '\n' : '\t');
            }
            if (sb.length() > 1 << 20) {
                byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(b, 0, b.length);
                sb.setLength(0);
            }
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(b, 0, b.length);
        copy.endCopy();
        c.commit();
    }

    /** A search body of {@code kind} for a person drawn from the seeded population. */
    ObjectNode key(String kind, SplittableRandom random, int persons) {
        HonninRecord p = person(random.nextInt(persons));
        ObjectNode body = JSON.createObjectNode().put("reason", "bench search");
        String kanji = NameKeys.kanji(p.name().kanji());
        String surname = p.name().kanji().split(" ")[0];
        switch (kind) {
            case "juminhyoCode" -> body.put("juminhyoCode", p.juminhyoCode());
            case "myNumber" -> body.put("myNumber", p.myNumber());
            case "nameKana+birthDate" -> body.put("nameKana", p.name().kana()).put("birthDate", p.birthDate());
            case "nameKanji" -> body.put("nameKanji", kanji.substring(0, surname.length() + 1));
            case "birthRange+sex" -> body.put("birthDate", p.birthDate())
                    .put("birthTo", LocalDate.parse(p.birthDate()).plusDays(6).toString()).put("sex", p.sex());
            case "addressPrefix" -> body.put("addressPrefix", p.address().text().substring(0, p.address().text().indexOf('丁') + 2));
            default -> throw new IllegalArgumentException(kind);
        }
        return body;
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of the first statement of the search {@code body} describes, on each store it reads. */
    List<String> explain(GatewayProcess gateway, ObjectNode body) throws SQLException {
        SearchCriteria criteria = SearchCriteria.of("plan", null, text(body, "juminhyoCode"), text(body, "myNumber"),
                text(body, "nameKana"), text(body, "nameKanji"), text(body, "birthDate"), text(body, "birthTo"), text(body, "sex"),
                text(body, "addressPrefix"));
        PersonSearch shape = new PersonSearch(null, null, null, null, 100, 1000);
        List<String> out = new ArrayList<>();
        try (Connection owner = SearchBench.owner(gateway)) {
            for (SearchCriteria.Store store : List.of(SearchCriteria.Store.HONNIN, SearchCriteria.Store.FUHYO)) {
                if (!criteria.stores().contains(store)) {
                    continue;
                }
                for (PersonSearch.Statement s : List.of(shape.statement(store, criteria), shape.countStatement(store, criteria))) {
                    out.add("-- " + store.text() + (s.sql().startsWith("SELECT count") ? ", the count (run when more than the cap match)" : ""));
                    try (PreparedStatement ps = owner.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + s.sql())) {
                        ps.unwrap(PGStatement.class).setPrepareThreshold(0);
                        for (int i = 0; i < s.params().size(); i++) {
                            ps.setString(i + 1, s.params().get(i));
                        }
                        out.addAll(SearchBench.lines(ps));
                    }
                }
            }
        }
        return out;
    }

    private static String text(ObjectNode body, String name) {
        return body.hasNonNull(name) ? body.get(name).asText() : null;
    }
}
