package jp.tokyo.juki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decision 37: the statements of a {@link RoundTrip} run in the order added, in the connection's transaction,
 * with their parameters where each expects them, and a failing one leaves nothing of the others once the
 * transaction is rolled back. Against the gateway's embedded PostgreSQL.
 */
class RoundTripIT {
    private static TestDatabase database;
    private static EmbeddedDatabase db;

    @BeforeAll
    static void startDatabase() throws Exception {
        database = TestDatabase.start("juki-roundtrip-it");
        db = database.db();
    }

    @AfterAll
    static void stopDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void tables() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS rt_row; DROP SEQUENCE IF EXISTS rt_seq; "
                    + "CREATE TABLE rt_row (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, n int NOT NULL); "
                    + "CREATE SEQUENCE rt_seq");
        }
    }

    @Test
    void readsAndWritesOfOneRoundTripRunInTheOrderAddedWithTheirOwnParameters() throws SQLException {
        // 150 rows: a batch of its own, between the statements added before and after it; then 3 rows in the round
        // trip; all numbered by the bigserial in the order added
        List<String> names = IntStream.range(0, 150).mapToObj(i -> "row-" + (149 - i)).toList();
        List<String> few = List.of("row-1002", "row-1000", "row-1001");
        List<Long> seqs = new ArrayList<>();
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            new RoundTrip()
                    .query("SELECT count(*) FROM rt_row WHERE n >= ?", 1, (ps, i) -> ps.setInt(i, 0),
                            rs -> { rs.next(); before.add(rs.getString(1)); })
                    .insert("INSERT INTO rt_row (name, n) VALUES ", 2, names, (ps, first, name) -> {
                        ps.setString(first, name);
                        ps.setInt(first + 1, Integer.parseInt(name.substring(4)));
                    }, "")
                    .insert("INSERT INTO rt_row (name, n) VALUES ", 2, few, (ps, first, name) -> {
                        ps.setString(first, name);
                        ps.setInt(first + 1, Integer.parseInt(name.substring(4)));
                    }, "")
                    .execute("UPDATE rt_row SET n = n + ? WHERE name = ?", 2, (ps, i) -> {
                        ps.setInt(i, 1000);
                        ps.setString(i + 1, "row-7");
                    })
                    .query("SELECT nextval('rt_seq') FROM generate_series(1, ?)", 1, (ps, i) -> ps.setInt(i, 3),
                            rs -> { while (rs.next()) { seqs.add(rs.getLong(1)); } })
                    .query("SELECT name FROM rt_row WHERE n > ? ORDER BY id", 1, (ps, i) -> ps.setInt(i, 999),
                            rs -> { while (rs.next()) { after.add(rs.getString(1)); } })
                    .run(c);
            c.commit();
        }
        assertThat(before).containsExactly("0");
        assertThat(seqs).containsExactly(1L, 2L, 3L);
        assertThat(after).as("the update after the batch saw its rows, and the few rows are there, after them")
                .containsExactly("row-7", "row-1002", "row-1000", "row-1001");
        List<String> stored = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM rt_row ORDER BY id")) {
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
        }
        List<String> all = new ArrayList<>(names);
        all.addAll(few);
        assertThat(stored).containsExactlyElementsOf(all);
    }

    @Test
    void aStatementThatFailsFailsTheRoundTripAndTheTransactionKeepsNothingOfIt() throws SQLException {
        List<String> read = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            RoundTrip trip = new RoundTrip()
                    .insert("INSERT INTO rt_row (name, n) VALUES ", 2, List.of("a", "b"), (ps, first, name) -> {
                        ps.setString(first, name);
                        ps.setInt(first + 1, 1);
                    }, "")
                    // the same name again: a unique violation in the second statement
                    .execute("INSERT INTO rt_row (name, n) VALUES (?, ?)", 2, (ps, i) -> {
                        ps.setString(i, "a");
                        ps.setInt(i + 1, 2);
                    })
                    .query("SELECT name FROM rt_row", 0, (ps, i) -> { }, rs -> { while (rs.next()) { read.add(rs.getString(1)); } });
            assertThatThrownBy(() -> trip.run(c)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
            c.rollback();
        }
        assertThat(read).as("the statement after the failing one did not run").isEmpty();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM rt_row")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
