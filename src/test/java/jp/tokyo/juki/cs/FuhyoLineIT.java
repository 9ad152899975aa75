package jp.tokyo.juki.cs;

import static jp.tokyo.juki.testkit.Messages.abroad;
import static jp.tokyo.juki.testkit.Messages.fuhyoPerson;
import static jp.tokyo.juki.testkit.Messages.fuhyoUpdate;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static jp.tokyo.juki.testkit.TestPki.CHUO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FUHYO_UPDATE on the CS line, over real mutual TLS: routed by type to the fuhyo store, checked
 * like honnin updates plus the fuhyo rules, stored with history, never with a My Number — and
 * the fuhyo store's database role kept apart from the honnin store's.
 */
class FuhyoLineIT {
    private static RunningGateway gw;
    private static FrameClient chiyoda;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(true, Map.of());
        chiyoda = gw.connect(CHIYODA);
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, gw);
    }

    private static Reply send(Request r) throws Exception {
        return chiyoda.send(r).get(20, TimeUnit.SECONDS);
    }

    private static long persons(String code) throws Exception {
        return gw.queryLong("SELECT count(*) FROM fuhyo.person WHERE juminhyo_code = ?", code);
    }

    @Test
    void entryIsStoredInTheFuhyoStoreWithItsEighteenItemsAndNotInTheHonninStore() throws Exception {
        ObjectNode record = fuhyoPerson(CHIYODA);
        String code = record.get("juminhyoCode").asText();

        Reply reply = send(fuhyoUpdate(CHIYODA, "BIRTH", record));

        assertThat(reply.status()).isEqualTo(Status.ACK);
        assertThat(gw.queryString("SELECT name_kanji || '/' || kana_normalized || '/' || address_municipality_code || '/' "
                + "|| last_address_text || '/' || managing_municipality_code || '/' || status || '/' || notice_kind "
                + "|| '/' || deleted FROM fuhyo.person WHERE juminhyo_code = ?", code))
                .isEqualTo("鈴木 花子/ススキハナコ/131130/東京都渋谷区宇田川町１番１号/131016/0/ENTRY/false");
        assertThat(gw.queryLong("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?", code)).isZero();
    }

    @Test
    void theFuhyoSchemaHasNoPlaceForAMyNumber() throws Exception {
        assertThat(gw.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'fuhyo' "
                + "AND (column_name LIKE '%number%' OR column_name LIKE '%kojin%')")).isZero();
    }

    @Test
    void aMyNumberInAFuhyoRecordIsRefusedAsAnUnknownItem() throws Exception {
        ObjectNode record = fuhyoPerson(CHIYODA);
        record.put("myNumber", Messages.newMyNumber());

        Reply reply = send(fuhyoUpdate(CHIYODA, "BIRTH", record));

        assertThat(reply.status()).isEqualTo(Status.NACK);
        assertThat(reply.code().name()).isEqualTo("E110");
        assertThat(reply.detail()).isEqualTo("body.record.myNumber: unknown item");
        assertThat(persons(record.get("juminhyoCode").asText())).isZero();
    }

    @Test
    void moveAbroadKeepsTheFormerVersionAsHistory() throws Exception {
        ObjectNode record = fuhyoPerson(CHIYODA);
        String code = record.get("juminhyoCode").asText();
        assertThat(send(fuhyoUpdate(CHIYODA, "MOVE_IN", record)).status()).isEqualTo(Status.ACK);

        Reply reply = send(fuhyoUpdate(CHIYODA, "MOVE_OUT_ABROAD", abroad(record)));

        assertThat(reply.status()).isEqualTo(Status.ACK);
        assertThat(gw.queryString("SELECT status || '/' || address_text FROM fuhyo.person WHERE juminhyo_code = ?", code))
                .isEqualTo("1/国外");
        assertThat(gw.queryString("SELECT string_agg(status, ',') FROM fuhyo.person_history WHERE juminhyo_code = ?", code))
                .isEqualTo("0");
    }

    @Test
    void deletionOfAnAlreadyDeletedPersonIsRefusedWithE140() throws Exception {
        ObjectNode record = fuhyoPerson(CHIYODA);
        assertThat(send(fuhyoUpdate(CHIYODA, "MOVE_IN", record)).status()).isEqualTo(Status.ACK);
        ObjectNode deletion = record.deepCopy().put("noticeKind", "DELETION");
        assertThat(send(fuhyoUpdate(CHIYODA, "DEATH", deletion)).status()).isEqualTo(Status.ACK);

        Reply again = send(fuhyoUpdate(CHIYODA, "DEATH", deletion));

        assertThat(again.status()).isEqualTo(Status.NACK);
        assertThat(again.code().name()).isEqualTo("E140");
        assertThat(again.detail()).isEqualTo("R-VAL-LOGIC deletion: person is already deleted");
        assertThat(gw.queryLong("SELECT count(*) FROM fuhyo.person_history WHERE juminhyo_code = ?",
                record.get("juminhyoCode").asText())).isEqualTo(1);
    }

    @Test
    void deletionOfAnUnknownPersonIsRefusedWithE140() throws Exception {
        ObjectNode deletion = fuhyoPerson(CHIYODA).put("noticeKind", "DELETION");

        Reply reply = send(fuhyoUpdate(CHIYODA, "DEATH", deletion));

        assertThat(reply.code().name()).isEqualTo("E140");
        assertThat(reply.detail()).isEqualTo("R-VAL-LOGIC deletion: person is not in the fuhyo store");
    }

    @Test
    void anAnnexManagedByAnotherMunicipalityIsRefusedWithE130() throws Exception {
        ObjectNode record = fuhyoPerson(CHUO);

        Reply reply = send(fuhyoUpdate(CHIYODA, "BIRTH", record));

        assertThat(reply.code().name()).isEqualTo("E130");
        assertThat(reply.detail()).isEqualTo("body.record.managingMunicipalityCode: must equal the sender");
    }

    @Test
    void aPersonAbroadMustHaveTheAddressAbroad() throws Exception {
        ObjectNode record = fuhyoPerson(CHIYODA).put("status", "1");

        Reply reply = send(fuhyoUpdate(CHIYODA, "BIRTH", record));

        assertThat(reply.code().name()).isEqualTo("E110");
        assertThat(reply.detail()).isEqualTo("body.record.status: 1 exactly when address.text is 国外");
    }

    @Test
    void aNoticeKindThatDoesNotFitTheReasonIsRefusedWithE110() throws Exception {
        ObjectNode record = fuhyoPerson(CHIYODA);

        Reply reply = send(fuhyoUpdate(CHIYODA, "DEATH", record));

        assertThat(reply.code().name()).isEqualTo("E110");
        assertThat(reply.detail()).isEqualTo("body.record.noticeKind: does not fit the reason");
    }

    @Test
    void theSameFuhyoRequestAgainIsADuplicateAndChangesNothing() throws Exception {
        Request entry = fuhyoUpdate(CHIYODA, "MOVE_IN", fuhyoPerson(CHIYODA));
        assertThat(send(entry).status()).isEqualTo(Status.ACK);

        Reply again = send(entry);

        assertThat(again.status()).isEqualTo(Status.DUPLICATE);
        assertThat(again.code().name()).isEqualTo("I000");
        assertThat(gw.queryLong("SELECT count(*) FROM fuhyo.accepted_request WHERE request_id = ?", entry.id())).isEqualTo(1);
        assertThat(gw.queryLong("SELECT count(*) FROM fuhyo.person_history WHERE origin_id = ?", entry.id())).isZero();
    }

    @Test
    void theFuhyoRoleCannotReadTheHonninStore() throws Exception {
        try (Connection fuhyo = connectAs("juki_fuhyo"); Statement s = fuhyo.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM honnin.resident"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            assertThat(s.executeQuery("SELECT count(*) FROM fuhyo.person").next()).isTrue();
        }
    }

    @Test
    void theHonninRoleCannotReadTheFuhyoStore() throws Exception {
        try (Connection honnin = connectAs("juki_honnin"); Statement s = honnin.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM fuhyo.person"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void aStorePoolThatWouldLogInAsASuperuserStopsTheGatewayFromStarting() {
        assertThatThrownBy(() -> RunningGateway.start(false, Map.of("juki.db.juki_fuhyo.user", "postgres")).close())
                .hasMessage("database role postgres: connected as postgres (a superuser); "
                        + "a store's pool must be its own unprivileged role");
    }

    @Test
    void aDatabaseUrlCarryingAUserIsRefusedBecauseItWouldOverrideEveryRole() {
        assertThatThrownBy(() -> RunningGateway.start(false,
                Map.of("juki.db.url", "jdbc:postgresql://localhost:1/juki?user=postgres")).close())
                .hasMessage("configuration: juki.db.url must not carry user or password; "
                        + "set juki.db.user/juki.db.password and juki.db.<role>.user/.password instead");
    }

    private static String password(String role) {
        try {
            return DatabaseLogins.of(gw.data).password(role);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Connection connectAs(String role) throws SQLException {
        return DriverManager.getConnection(gw.gateway.database().jdbcUrl(), role, password(role));
    }
}
