package jp.tokyo.juki.link;

import static jp.tokyo.juki.testkit.Messages.abroad;
import static jp.tokyo.juki.testkit.Messages.fuhyoPerson;
import static jp.tokyo.juki.testkit.Messages.fuhyoUpdate;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.TestAgencies;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * R-LINK on a running gateway: persons reach the honnin and fuhyo stores only as a CS sends them
 * (HONNIN_UPDATE, FUHYO_UPDATE over real mutual TLS); the agency side is the gateway's own
 * {@code myNumberLink} bean. Granted only for a business 番号法 allows and a person abroad; held
 * until the delivery is confirmed or the maximum passes, then gone from the table's files;
 * every refusal with its code, everything audited; the roles kept apart by the database itself.
 * A maintainer reads the hold's figures with {@code ./gateway link status} through the operator API.
 */
class MyNumberLinkIT {
    private static final String ALLOWED = "TAX-01";
    private static final String OTHER_ALLOWED = "WELFARE-07";
    private static final String REQUESTER = "dept-shuzei";

    private static final String MAINTAINER = "maint1";
    private static OperatorDesk desk;
    private static RunningGateway gw;
    private static FrameClient chiyoda;
    private static MyNumberLink link;
    private final List<String> deliveries = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // 番号法's permission for the requester's two businesses: config/agencies.yaml is its one source
        Path agencies = TestAgencies.withMyNumber(Files.createTempDirectory("juki-link-agencies"), REQUESTER,
                ALLOWED, OTHER_ALLOWED);
        desk = OperatorDesk.start(true, Map.of(
                "juki.agencies", agencies.toString(),
                "juki.link.purge-period-ms", "300",
                "juki.link.report-period-ms", "300"));
        desk.issue(MAINTAINER, Role.MAINTAINER).issue("srch1", Role.SEARCHER);
        gw = desk.gw;
        chiyoda = gw.connect(CHIYODA);
        link = gw.gateway.bean("myNumberLink", MyNumberLink.class);
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, desk);
    }

    /** Each test starts on an empty hold: what a test held is confirmed (erased) after it. */
    @AfterEach
    void eraseWhatThisTestHeld() {
        deliveries.forEach(link::confirmDelivered);
    }

    private String newDelivery() {
        String d = "dl-" + Messages.newId();
        deliveries.add(d);
        return d;
    }

    private record Person(String code, String myNumber, ObjectNode honnin, ObjectNode fuhyo) {
    }

    private static void ack(Request r) throws Exception {
        assertThat(chiyoda.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
    }

    /** A Chiyoda resident in the honnin store (moved in); not in the fuhyo store. */
    private static Person resident() throws Exception {
        String code = Messages.newJuminhyoCode();
        String myNumber = Messages.newMyNumber();
        ObjectNode honnin = Messages.person(CHIYODA, code, myNumber, "海外 一郎", "カイガイ イチロウ");
        ack(update(CHIYODA, "MOVE_IN", honnin));
        return new Person(code, myNumber, honnin, null);
    }

    /** On Chiyoda's family-register annex, living in Tokyo. */
    private static Person onTheAnnex(Person p) throws Exception {
        ObjectNode fuhyo = fuhyoPerson(CHIYODA).put("juminhyoCode", p.code());
        ack(fuhyoUpdate(CHIYODA, "MOVE_IN", fuhyo));
        return new Person(p.code(), p.myNumber(), p.honnin(), fuhyo);
    }

    /** The annex says the person moved abroad (状態区分 1). */
    private static Person movedAbroadOnTheAnnex(Person p) throws Exception {
        ObjectNode fuhyo = abroad(p.fuhyo());
        ack(fuhyoUpdate(CHIYODA, "MOVE_OUT_ABROAD", fuhyo));
        return new Person(p.code(), p.myNumber(), p.honnin(), fuhyo);
    }

    /** In the honnin store and abroad on the annex. */
    private static Person personAbroad() throws Exception {
        return movedAbroadOnTheAnnex(onTheAnnex(resident()));
    }

    private static String hold(String delivery) throws Exception {
        return gw.queryString("SELECT string_agg(my_number, ',') FROM link.my_number_hold WHERE delivery_id = ?", delivery);
    }

    private static String linkAudit(String type, String delivery) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE line = 'link' AND msg_type = ? AND msg_id = ?", type, delivery) > 0);
        return gw.queryString("SELECT string_agg(concat_ws('|', direction, peer, status, code, detail, persons::text), E'\\n') "
                + "FROM audit.record WHERE line = 'link' AND msg_type = ? AND msg_id = ?", type, delivery);
    }

    /** {@code ./gateway link status} as a maintainer, through the operator API. */
    private static String status() throws Exception {
        OperatorDesk.Run run = desk.cli(MAINTAINER, "link", "status");
        assertThat(run.exit()).as(run.err()).isZero();
        return run.out();
    }

    private static String log() throws Exception {
        return Files.readString(Path.of("target/test-logs/tests.log"), StandardCharsets.UTF_8);
    }

    @Test
    void aPersonAbroadGetsTheMyNumberForAnAllowedBusinessHeldForTheDeliveryAndCounted() throws Exception {
        Person p = personAbroad();
        Person second = personAbroad();
        Person third = personAbroad();
        String delivery = newDelivery();
        String otherDelivery = newDelivery();

        LinkOutcome outcome = link.obtain(ALLOWED, REQUESTER, delivery, p.code());
        link.obtain(ALLOWED, REQUESTER, delivery, second.code());
        link.obtain(OTHER_ALLOWED, REQUESTER, otherDelivery, third.code());

        assertThat(outcome).isEqualTo(new LinkOutcome.Granted(p.myNumber(), false));
        assertThat(outcome.toString()).doesNotContain(p.myNumber());
        assertThat(hold(delivery)).contains(p.myNumber(), second.myNumber());
        assertThat(status()).contains("numbers held:  3", "deliveries:    2");
        await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("my-number hold: 3 numbers for 2 deliveries"));
        String audit = linkAudit("MY_NUMBER_OBTAIN", delivery);
        assertThat(audit).contains("in|" + REQUESTER + "|GRANTED|L000|business " + ALLOWED + ": held for the delivery");
        assertThat(audit).doesNotContain(p.code(), p.myNumber(), second.code(), second.myNumber());
        assertThat(audit).matches("(?s).*\\{[0-9a-f]{32,}}.*");
        assertThat(log()).doesNotContain(p.myNumber(), p.code(), third.myNumber());
    }

    @Test
    void theHoldsFiguresAreForAMaintainerAuditedWithOperatorAndTerminalAndAnotherRoleGetsP403() throws Exception {
        String figures = status();

        assertThat(figures).startsWith("my-number hold (R-LINK)").contains("numbers held:  ", "oldest held:   ",
                "maximum hold:  30 days (juki.link.max-hold-days)");
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REQUEST' AND operator_id = ? "
                + "AND terminal_id = ? AND detail = 'LINK_STATUS'", MAINTAINER, OperatorDesk.TERMINAL)).isPositive();

        OperatorDesk.Run refused = desk.cli("srch1", "link", "status");

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("P403: ");
        assertThat(refused.out()).doesNotContain("numbers held");
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'P403' "
                + "AND operator_id = 'srch1' AND terminal_id = ? AND detail = 'LINK_STATUS'", OperatorDesk.TERMINAL)).isPositive();
    }

    @Test
    void aPersonWhoseHonninRecordWasDeletedByTheMoveAbroadGetsTheMyNumber() throws Exception {
        Person p = personAbroad();
        ack(update(CHIYODA, "MOVE_OUT_ABROAD", p.honnin()));
        assertThat(gw.queryString("SELECT deleted || '/' || reason FROM honnin.resident WHERE juminhyo_code = ?", p.code()))
                .isEqualTo("true/MOVE_OUT_ABROAD");

        LinkOutcome outcome = link.obtain(ALLOWED, REQUESTER, newDelivery(), p.code());

        assertThat(outcome).isEqualTo(new LinkOutcome.Granted(p.myNumber(), false));
    }

    @Test
    void aRepeatedDeliveryGetsTheHeldCopyAndHoldsNothingMore() throws Exception {
        Person p = personAbroad();
        String delivery = newDelivery();
        link.obtain(ALLOWED, REQUESTER, delivery, p.code());

        LinkOutcome again = link.obtain(ALLOWED, REQUESTER, delivery, p.code());

        assertThat(again).isEqualTo(new LinkOutcome.Granted(p.myNumber(), true));
        assertThat(gw.queryLong("SELECT count(*) FROM link.my_number_hold WHERE delivery_id = ?", delivery)).isEqualTo(1);
    }

    @Test
    void confirmedDeliveryErasesTheNumberFromTheTableAndItsFiles() throws Exception {
        Person kept = personAbroad();
        Person erased = personAbroad();
        String keptDelivery = newDelivery();
        String delivery = newDelivery();
        link.obtain(ALLOWED, REQUESTER, keptDelivery, kept.code());
        link.obtain(ALLOWED, REQUESTER, delivery, erased.code());
        // the check below can see a number in the files: it is there before the erasure
        assertThat(holdFilesContain(erased.myNumber())).isTrue();

        int count = link.confirmDelivered(delivery);

        assertThat(count).isEqualTo(1);
        assertThat(hold(delivery)).isNull();
        assertThat(gw.queryLong("SELECT count(*) FROM link.my_number_hold WHERE my_number = ?", erased.myNumber())).isZero();
        assertThat(holdFilesContain(erased.myNumber())).as("erased number in the hold's files").isFalse();
        // the neighbour on the same page is untouched
        assertThat(holdFilesContain(kept.myNumber())).isTrue();
        assertThat(status()).contains("numbers held:  1", "deliveries:    1");
        assertThat(linkAudit("MY_NUMBER_ERASE", delivery))
                .contains("in|" + REQUESTER + "|ERASED|L000|business " + ALLOWED + ": delivery confirmed; held numbers erased: 1");

        link.confirmDelivered(keptDelivery);
        assertThat(status()).contains("numbers held:  0", "deliveries:    0");
        await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("my-number hold: 0 numbers for 0 deliveries"));
    }

    @Test
    void anErasureWaitsForATransactionThatCanStillSeeTheNumberBeforeRemovingIt() throws Exception {
        Person p = personAbroad();
        String delivery = newDelivery();
        link.obtain(ALLOWED, REQUESTER, delivery, p.code());
        try (Connection reader = gw.gateway.database().dataSource().getConnection()) {
            // e.g. a backup or a long report: its snapshot predates the erasure
            reader.setAutoCommit(false);
            reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            assertThat(myNumberSeenBy(reader, delivery)).isEqualTo(p.myNumber());

            CompletableFuture<Integer> erasure = CompletableFuture.supplyAsync(() -> link.confirmDelivered(delivery));

            await().atMost(Duration.ofSeconds(10)).until(() -> hold(delivery) == null);
            Thread.sleep(300);
            assertThat(erasure).as("erasure done while an older snapshot still sees the row").isNotDone();
            assertThat(myNumberSeenBy(reader, delivery)).isEqualTo(p.myNumber());
            reader.commit();
            assertThat(erasure.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(holdFilesContain(p.myNumber())).isFalse();
    }

    private static String myNumberSeenBy(Connection c, String delivery) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT my_number FROM link.my_number_hold WHERE delivery_id = ?")) {
            ps.setString(1, delivery);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void theHoldKeepsNoStatisticsOfItsPersonalColumns() throws Exception {
        link.obtain(ALLOWED, REQUESTER, newDelivery(), personAbroad().code());
        try (Connection owner = gw.gateway.database().dataSource().getConnection(); Statement s = owner.createStatement()) {
            s.execute("ANALYZE link.my_number_hold");
        }

        assertThat(gw.queryLong("SELECT count(*) FROM pg_stats WHERE schemaname = 'link' "
                + "AND attname IN ('my_number', 'juminhyo_code')")).isZero();
    }

    @Test
    void aNumberHeldLongerThanTheMaximumIsPurged() throws Exception {
        Person stale = personAbroad();
        Person fresh = personAbroad();
        String staleDelivery = newDelivery();
        String freshDelivery = newDelivery();
        link.obtain(ALLOWED, REQUESTER, staleDelivery, stale.code());
        link.obtain(ALLOWED, REQUESTER, freshDelivery, fresh.code());

        // as if it had been held 30 days and a minute ago (the configured maximum is the default, 30)
        try (Connection owner = gw.gateway.database().dataSource().getConnection(); Statement s = owner.createStatement()) {
            s.executeUpdate("UPDATE link.my_number_hold SET held_at = held_at - interval '30 days 1 minute', "
                    + "expires_at = expires_at - interval '30 days 1 minute' WHERE delivery_id = '" + staleDelivery + "'");
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> hold(staleDelivery) == null);
        assertThat(hold(freshDelivery)).isEqualTo(fresh.myNumber());
        // the purge is audited once its erasure is done, VACUUM included: only then are the files clean
        assertThat(linkAudit("MY_NUMBER_PURGE", staleDelivery))
                .contains("out|" + REQUESTER + "|PURGED|L000|business " + ALLOWED
                        + ": held beyond the maximum of 30 days; numbers erased: 1");
        assertThat(holdFilesContain(stale.myNumber())).isFalse();
    }

    @Test
    void aBusinessThatNumberLawDoesNotAllowIsRefusedWithL110() throws Exception {
        assertRefused(personAbroad(), "PENSION-99", LinkRefusal.BUSINESS_NOT_ALLOWED,
                "REFUSED|L110|business PENSION-99: 番号法 does not allow the My Number for this business");
    }

    @Test
    void aPersonNotInTheFuhyoStoreIsRefusedWithL120() throws Exception {
        assertRefused(resident(), ALLOWED, LinkRefusal.NOT_IN_FUHYO,
                "REFUSED|L120|business " + ALLOWED + ": person is not in the fuhyo store");
    }

    @Test
    void aPersonDeletedFromTheFuhyoStoreIsRefusedWithL121() throws Exception {
        Person p = personAbroad();
        ack(fuhyoUpdate(CHIYODA, "DEATH", p.fuhyo().deepCopy().put("noticeKind", "DELETION")));

        assertRefused(p, ALLOWED, LinkRefusal.DELETED_IN_FUHYO,
                "REFUSED|L121|business " + ALLOWED + ": person is deleted in the fuhyo store");
    }

    @Test
    void aPersonLivingInJapanIsRefusedWithL122() throws Exception {
        assertRefused(onTheAnnex(resident()), ALLOWED, LinkRefusal.NOT_ABROAD,
                "REFUSED|L122|business " + ALLOWED + ": person is not abroad (国外転出者) in the fuhyo store");
    }

    @Test
    void aPersonAbroadWhoIsNotInTheHonninStoreIsRefusedWithL130() throws Exception {
        String code = Messages.newJuminhyoCode();
        ObjectNode annex = fuhyoPerson(CHIYODA).put("juminhyoCode", code);
        ack(fuhyoUpdate(CHIYODA, "MOVE_IN", annex));
        ack(fuhyoUpdate(CHIYODA, "MOVE_OUT_ABROAD", abroad(annex)));

        assertRefused(new Person(code, null, null, annex), ALLOWED, LinkRefusal.NOT_IN_HONNIN,
                "REFUSED|L130|business " + ALLOWED + ": person is not in the honnin store");
    }

    @Test
    void aPersonAbroadWhoseHonninRecordWasDeletedByDeathIsRefusedWithL131() throws Exception {
        Person p = personAbroad();
        ack(update(CHIYODA, "DEATH", p.honnin()));

        assertRefused(p, ALLOWED, LinkRefusal.DELETED_IN_HONNIN, "REFUSED|L131|business " + ALLOWED
                + ": person's honnin record was deleted other than by moving abroad");
    }

    @Test
    void aMalformedJuminhyoCodeIsRefusedWithL100() throws Exception {
        String code = Messages.newJuminhyoCode();
        String wrongCheckDigit = code.substring(0, 10) + (char) ('0' + (code.charAt(10) - '0' + 1) % 10);

        assertRefused(new Person(wrongCheckDigit, null, null, null), ALLOWED, LinkRefusal.MALFORMED_REQUEST,
                "REFUSED|L100|request: business, requester, delivery id or juminhyo code malformed");
    }

    @Test
    void aDeliveryOfOneBusinessCannotBeContinuedForAnotherWithL140() throws Exception {
        Person p = personAbroad();
        String delivery = newDelivery();
        link.obtain(ALLOWED, REQUESTER, delivery, p.code());

        LinkOutcome outcome = link.obtain(OTHER_ALLOWED, REQUESTER, delivery, personAbroad().code());

        assertThat(outcome).isEqualTo(new LinkOutcome.Refused(LinkRefusal.DELIVERY_CONFLICT));
        assertThat(gw.queryLong("SELECT count(*) FROM link.my_number_hold WHERE delivery_id = ?", delivery)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record "
                + "WHERE line = 'link' AND msg_id = ? AND code = 'L140'", delivery) == 1);
    }

    private void assertRefused(Person p, String business, LinkRefusal refusal, String audited) throws Exception {
        String delivery = newDelivery();

        LinkOutcome outcome = link.obtain(business, REQUESTER, delivery, p.code());

        assertThat(outcome).isEqualTo(new LinkOutcome.Refused(refusal));
        assertThat(hold(delivery)).isNull();
        String audit = linkAudit("MY_NUMBER_OBTAIN", delivery);
        assertThat(audit).contains("in|" + REQUESTER + "|" + audited);
        assertThat(audit).doesNotContain(p.code());
        if (p.myNumber() != null) {
            assertThat(audit).doesNotContain(p.myNumber());
        }
    }

    @Test
    void theFuhyoRoleCannotReadTheHonninStore() throws Exception {
        assertPermissionDenied("juki_fuhyo", "SELECT juminhyo_code FROM honnin.resident");
    }

    @Test
    void theLinkRoleReadsNoStoreTableAndReachesAMyNumberOnlyThroughTheHoldFunction() throws Exception {
        // the only path is link.hold_my_number, which holds only for a person abroad (the refusal tests)
        assertPermissionDenied("juki_link", "SELECT count(my_number) FROM honnin.resident");
        assertPermissionDenied("juki_link", "SELECT name_kanji FROM honnin.resident");
        assertPermissionDenied("juki_link", "SELECT * FROM honnin.resident");
        assertPermissionDenied("juki_link", "SELECT my_number FROM honnin.resident_history");
        assertPermissionDenied("juki_link", "SELECT status FROM fuhyo.person");
        assertPermissionDenied("juki_link", "UPDATE link.my_number_hold SET my_number = my_number");
        assertPermissionDenied("juki_fuhyo", "SELECT * FROM link.hold_my_number('d', 'b', 'r', now(), now(), '00000000000')");
        assertPermissionDenied("juki_honnin", "SELECT * FROM link.person_state('00000000000')");
    }

    @Test
    void neitherStoreRoleCanReadTheHold() throws Exception {
        assertPermissionDenied("juki_fuhyo", "SELECT my_number FROM link.my_number_hold");
        assertPermissionDenied("juki_honnin", "SELECT my_number FROM link.my_number_hold");
    }

    private static void assertPermissionDenied(String role, String sql) throws Exception {
        try (Connection c = connectAs(role); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute(sql))
                    .as("%s: %s", role, sql)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
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

    @Test
    void aMaximumHoldOverOneYearStopsTheGatewayFromStarting() {
        assertThatThrownBy(() -> RunningGateway.start(false, Map.of("juki.link.max-hold-days", "400")).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("configuration: juki.link.max-hold-days is 400; it must be 1 to 365 "
                        + "(R-LINK: a held My Number is erased within a year)");
    }

    /**
     * Whether the bytes of {@code myNumber} are anywhere in the hold's files — its table and its
     * indexes — once everything is written to them (CHECKPOINT). Reads the files, not the rows:
     * a deleted row is invisible to SELECT long before it is gone from the disk.
     */
    private static boolean holdFilesContain(String myNumber) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Connection owner = gw.gateway.database().dataSource().getConnection(); Statement s = owner.createStatement()) {
            s.execute("CHECKPOINT");
            try (ResultSet rs = s.executeQuery("SELECT pg_relation_filepath(c.oid) FROM pg_class c "
                    + "WHERE c.oid = 'link.my_number_hold'::regclass "
                    + "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'link.my_number_hold'::regclass)")) {
                while (rs.next()) {
                    Path main = gw.data.resolve("pg").resolve(rs.getString(1));
                    for (int segment = 0; ; segment++) {
                        Path f = segment == 0 ? main : Path.of(main + "." + segment);
                        if (!Files.exists(f)) {
                            break;
                        }
                        files.add(f);
                    }
                }
            }
        }
        byte[] needle = myNumber.getBytes(StandardCharsets.US_ASCII);
        for (Path f : files) {
            if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
