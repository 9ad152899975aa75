package jp.tokyo.juki.national;

import static jp.tokyo.juki.testkit.Messages.fuhyoPerson;
import static jp.tokyo.juki.testkit.Messages.fuhyoUpdate;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.national.NationalQuery.Outcome;
import jp.tokyo.juki.national.NationalQuery.Result;
import jp.tokyo.juki.national.NationalQuery.Store;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * R-NQ over the real wire: the gateway's {@code nationalQuery} asks the national simulator and
 * the fuhyo national simulator over mutual TLS — found, not found, several, unavailable (server
 * gone, silent, or answering E503), refused keys — audits query and answer with hashed persons
 * only, and the operator command does the same end to end through the operator API, with the
 * searcher's operator ID, terminal and stated purpose in the audit.
 */
class NationalQueryIT {
    private static final long TIMEOUT_MS = 1500;
    private static final String OPERATOR = "op-0042";
    private static final String SEARCHER = "srch1";
    private static final String PURPOSE = "転出先の確認（事務 12-3）";
    private static OperatorDesk desk;
    private static RunningGateway gw;
    private static FrameClient chiyoda;
    private static NationalQuery query;
    private static PersonHasher hasher;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(true, Map.of("juki.national.query-timeout-ms", Long.toString(TIMEOUT_MS)));
        desk.issue(SEARCHER, Role.SEARCHER).issue("mgr1", Role.MANAGER);
        gw = desk.gw;
        gw.startFuhyo();
        chiyoda = gw.connect(CHIYODA);
        query = gw.gateway.bean("nationalQuery", NationalQuery.class);
        hasher = PersonHasher.fromKeyFile(TestPki.dir().resolve("audit-hmac.key"));
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, desk);
    }

    private static String code(JsonNode record) {
        return record.get("juminhyoCode").asText();
    }

    private static Reply send(Request r) throws Exception {
        return chiyoda.send(r).get(20, TimeUnit.SECONDS);
    }

    /** A resident of Chiyoda the national server has been notified of (through the gateway). */
    private static ObjectNode notified(String kanji, String kana, String birthDate) throws Exception {
        ObjectNode record = Messages.person(CHIYODA, Messages.newJuminhyoCode(), Messages.newMyNumber(), kanji, kana);
        record.put("birthDate", birthDate);
        Request moveIn = update(CHIYODA, "MOVE_IN", record);
        assertThat(send(moveIn).status()).isEqualTo(Status.ACK);
        await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.hasOrigin(CHIYODA, moveIn.id()));
        return record;
    }

    /** The audit records of one query: status|code|detail|persons, in the order written. */
    private static List<String> audit(String queryId, int expected) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_id = ?", queryId) >= expected);
        String rows = gw.queryString("SELECT string_agg(concat_ws('|', line, direction, peer, msg_type, sender, status, code, "
                + "detail, persons::text), E'\\n' ORDER BY at, id) FROM audit.record WHERE msg_id = ?", queryId);
        return List.of(rows.split("\n"));
    }

    @Test
    void aGeneratedPersonOfAnotherPrefectureIsFoundByJuminhyoCode() {
        JsonNode person = gw.national.person(42);

        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.juminhyoCode(code(person)), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.FOUND);
        HonninRecord r = o.record();
        assertThat(r.juminhyoCode()).isEqualTo(code(person));
        assertThat(r.name().kanji()).isEqualTo(person.get("name").get("kanji").asText());
        assertThat(r.myNumber()).isEqualTo(person.get("myNumber").asText());
        assertThat(r.address().text()).isEqualTo(person.get("address").get("text").asText());
        assertThat(r.address().municipalityCode()).doesNotStartWith("13");
    }

    @Test
    void aPersonNotifiedThroughTheGatewayIsFoundByMyNumberInTheirLatestState() throws Exception {
        ObjectNode record = notified("照会 一郎", "ショウカイ イチロウ", "1970-07-07");
        ObjectNode moved = record.deepCopy();
        moved.with("address").put("text", "東京都千代田区丸の内２丁目３番");
        Request move = update(CHIYODA, "MOVE_WITHIN", moved);
        assertThat(send(move).status()).isEqualTo(Status.ACK);
        await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.hasOrigin(CHIYODA, move.id()));

        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.myNumber(record.get("myNumber").asText()), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.FOUND);
        assertThat(o.record().juminhyoCode()).isEqualTo(code(record));
        assertThat(o.record().name().kana()).isEqualTo("ショウカイ イチロウ");
        assertThat(o.record().address().text()).isEqualTo("東京都千代田区丸の内２丁目３番");
        assertThat(o.record().address().municipalityCode()).isEqualTo(CHIYODA);
    }

    @Test
    void aCodeNobodyHasIsNotFound() {
        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.juminhyoCode(Messages.newJuminhyoCode()), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.NOT_FOUND);
        assertThat(o.records()).isEmpty();
        assertThat(o.code()).isEqualTo("I000");
    }

    @Test
    void fourItemsMatchingTwoPersonsAreSeveralWithKanaOnTheirSeionForm() throws Exception {
        ObjectNode first = notified("城郷 花子", "ジョウゴウ ハナコ", "1990-02-03");
        ObjectNode second = notified("庄郷 花子", "ショウゴウ ハナコ", "1990-02-03");
        notified("城郷 花子", "ジョウゴウ ハナコ", "1991-02-03"); // another birth date: not a match

        Outcome<HonninRecord> o = query.query(Store.HONNIN,
                QueryKey.fourInfo("ｼｮｵｺﾞｵ ﾊﾅｺ", null, "1990-02-03", null, null), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.SEVERAL);
        assertThat(o.records()).extracting(HonninRecord::juminhyoCode).containsExactlyInAnyOrder(code(first), code(second));
        // the answer's audit names both persons found (the 4 items themselves are nobody's code)
        assertThat(audit(o.queryId(), 2).get(1)).contains("|ACK|I000|SEVERAL 2|{", hasher.hash(code(first)),
                hasher.hash(code(second)));
    }

    @Test
    void aKanjiPrefixAndSexNarrowTheFourItems() throws Exception {
        ObjectNode person = notified("櫻井戸 誠一郎", "サクライド セイイチロウ", "1965-11-30");

        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.fourInfo(null, "櫻井戸 誠", null, "1", null), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.FOUND);
        assertThat(o.record().juminhyoCode()).isEqualTo(code(person));
    }

    @Test
    void aStoppedServerIsUnavailableWithinTheTimeoutAndTheNextQueryReconnects() throws Exception {
        String known = code(gw.national.person(1));
        assertThat(query.query(Store.HONNIN, QueryKey.juminhyoCode(known), OPERATOR).result()).isEqualTo(Result.FOUND);
        gw.national.close();
        try {
            long t0 = System.nanoTime();
            Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.juminhyoCode(known), OPERATOR);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(o.result()).isEqualTo(Result.UNAVAILABLE);
            assertThat(o.code()).isEqualTo("E503");
            assertThat(took).isLessThanOrEqualTo(TIMEOUT_MS + 500);
            assertThat(audit(o.queryId(), 2).get(1)).contains("|E503|UNAVAILABLE 0: ");
        } finally {
            gw.startNational();
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                query.query(Store.HONNIN, QueryKey.juminhyoCode(known), OPERATOR).result() == Result.FOUND);
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsUnavailableAfterTheTimeoutNotLater() throws Exception {
        String known = code(gw.national.person(2));
        gw.national.close();
        // the old connection may take a moment to notice the server is gone; once a query finds
        // nothing listening, the next one has to connect afresh — to the silent socket
        await().atMost(Duration.ofSeconds(10)).until(() -> query.query(Store.HONNIN, QueryKey.juminhyoCode(known), OPERATOR)
                .detail().startsWith("no connection to "));
        // the kernel completes the TCP handshake for the backlog; nobody ever speaks TLS
        try (ServerSocket silent = new ServerSocket(gw.nationalPort, 50, InetAddress.getByName("localhost"))) {
            long t0 = System.nanoTime();
            Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.juminhyoCode(known), OPERATOR);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(o.result()).isEqualTo(Result.UNAVAILABLE);
            assertThat(o.detail()).isEqualTo("no connection within " + TIMEOUT_MS + " ms");
            assertThat(took).isBetween(TIMEOUT_MS - 100, TIMEOUT_MS + 700);
        } finally {
            gw.startNational();
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                query.query(Store.HONNIN, QueryKey.juminhyoCode(known), OPERATOR).result() == Result.FOUND);
    }

    @Test
    void aServerSwitchedUnavailableAnswersE503AndTheQueryIsUnavailable() {
        gw.national.setUnavailable(true);
        try {
            Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.juminhyoCode(code(gw.national.person(3))), OPERATOR);

            assertThat(o.result()).isEqualTo(Result.UNAVAILABLE);
            assertThat(o.code()).isEqualTo("E503");
            assertThat(o.detail()).isEqualTo("server cannot serve now: not serving now");
        } finally {
            gw.national.setUnavailable(false);
        }
    }

    @Test
    void aKeyWithAWrongCheckDigitIsRefusedWithoutAskingAndAudited() throws Exception {
        String code = Messages.newJuminhyoCode();
        String wrong = code.substring(0, 10) + (char) ('0' + (code.charAt(10) - '0' + 1) % 10);
        long asked = gw.national.queries() + gw.national.refused();

        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.juminhyoCode(wrong), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.REFUSED);
        assertThat(o.code()).isEqualTo("E120");
        assertThat(o.detail()).isEqualTo("key.juminhyoCode: check digit");
        assertThat(gw.national.queries() + gw.national.refused()).isEqualTo(asked);
        assertThat(audit(o.queryId(), 1)).containsExactly("national|out|national|HONNIN_QUERY|130001|REFUSED|E120|"
                + "REFUSED 0: key.juminhyoCode: check digit, not sent, requester " + OPERATOR + "|{}");
    }

    @Test
    void fourItemsWithOnlyANameAreRefused() {
        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.fourInfo("ヤマダ タロウ", null, null, null, null), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.REFUSED);
        assertThat(o.detail()).isEqualTo("key.fourInfo: needs a name and at least one of birthDate, sex, addressPrefix");
    }

    @Test
    void fourItemsWithTwoNamesButNothingElseAreRefused() {
        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.fourInfo("ヤマダ タロウ", "山田 太郎", null, null, null),
                OPERATOR);

        assertThat(o.result()).isEqualTo(Result.REFUSED);
        assertThat(o.detail()).isEqualTo("key.fourInfo: needs a name and at least one of birthDate, sex, addressPrefix");
    }

    @Test
    void aBlankAddressPrefixIsRefusedRatherThanMatchingEveryone() {
        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.fourInfo("ヤマダ タロウ", null, null, null, "　"), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.REFUSED);
        assertThat(o.detail()).isEqualTo("key.fourInfo.addressPrefix: must not be blank");
    }

    @Test
    void aMyNumberIsNeverSentToTheFuhyoServer() {
        long asked = gw.fuhyo.queries() + gw.fuhyo.refused();

        Outcome<FuhyoRecord> o = query.query(Store.FUHYO, QueryKey.myNumber(Messages.newMyNumber()), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.REFUSED);
        assertThat(o.code()).isEqualTo("E110");
        assertThat(o.detail()).isEqualTo("key.myNumber: not a key of FUHYO_QUERY");
        assertThat(gw.fuhyo.queries() + gw.fuhyo.refused()).isEqualTo(asked);
    }

    @Test
    void theFuhyoServerRefusesMalformedKeysWithE110() throws Exception {
        try (FrameClient asGateway = FrameClient.connect("localhost", gw.fuhyoPort, TestPki.keys().sslContext(
                Identities.GATEWAY, Identities.exactly(Identities.NATIONAL_FUHYO), "test-gateway"))) {
            ObjectNode myNumber = Json.MAPPER.createObjectNode();
            myNumber.putObject("key").put("myNumber", Messages.newMyNumber());
            ObjectNode nameOnly = Json.MAPPER.createObjectNode();
            nameOnly.putObject("key").putObject("fourInfo").put("nameKana", "スズキ ハナコ");

            Reply first = asGateway.send(rawQuery(myNumber)).get(10, TimeUnit.SECONDS);
            Reply second = asGateway.send(rawQuery(nameOnly)).get(10, TimeUnit.SECONDS);

            assertThat(first.code().name()).isEqualTo("E110");
            assertThat(first.detail()).isEqualTo("body.key.myNumber: unknown item");
            assertThat(second.code().name()).isEqualTo("E110");
            assertThat(second.detail()).isEqualTo("body.key.fourInfo: needs a name and at least one of birthDate, sex, addressPrefix");
        }
    }

    private static Request rawQuery(ObjectNode body) {
        return new Request(Messages.newId(), "FUHYO_QUERY", "130001", 1, OffsetDateTime.now(ZoneOffset.ofHours(9)), null,
                null, body);
    }

    @Test
    void aFuhyoQueryFindsAGeneratedPersonAbroad() {
        JsonNode abroad = null;
        for (int i = 0; abroad == null; i++) {
            if ("1".equals(gw.fuhyo.person(i).get("status").asText())) {
                abroad = gw.fuhyo.person(i);
            }
        }

        Outcome<FuhyoRecord> o = query.query(Store.FUHYO, QueryKey.juminhyoCode(code(abroad)), OPERATOR);

        assertThat(o.result()).isEqualTo(Result.FOUND);
        assertThat(o.record().abroad()).isTrue();
        assertThat(o.record().address().text()).isEqualTo("国外");
        assertThat(o.record().lastAddress().text()).isEqualTo(abroad.get("lastAddress").get("text").asText());
        assertThat(o.record().managingMunicipalityCode()).isEqualTo(abroad.get("managingMunicipalityCode").asText());
    }

    @Test
    void fuhyoNoticesReachTheFuhyoServerInOrderWithExactlyTheirMembersAndItAnswersTheLatestState() throws Exception {
        ObjectNode entry = fuhyoPerson(CHIYODA);
        String code = code(entry);
        assertThat(send(fuhyoUpdate(CHIYODA, "BIRTH", entry)).status()).isEqualTo(Status.ACK);
        ObjectNode moved = entry.deepCopy().put("noticeKind", "CHANGE");
        moved.with("address").put("text", "東京都渋谷区神南１番１号");
        moved.with("lastAddress").put("text", "東京都渋谷区神南１番１号");
        assertThat(send(fuhyoUpdate(CHIYODA, "MOVE_IN", moved)).status()).isEqualTo(Status.ACK);
        assertThat(send(fuhyoUpdate(CHIYODA, "MOVE_OUT_ABROAD", Messages.abroad(moved))).status()).isEqualTo(Status.ACK);

        await().atMost(Duration.ofSeconds(30)).until(() -> noticesOf(code).size() == 3);
        List<JsonNode> notices = noticesOf(code);

        assertThat(notices).extracting(n -> n.get("body").get("reason").asText())
                .containsExactly("BIRTH", "MOVE_IN", "MOVE_OUT_ABROAD");
        assertThat(notices).extracting(n -> n.get("body").get("noticeKind").asText())
                .containsExactly("ENTRY", "CHANGE", "CHANGE");
        assertThat(notices).allSatisfy(n -> {
            assertThat(n.get("sender").asText()).isEqualTo("130001");
            assertThat(n.get("id").asText()).startsWith("FN-");
            assertThat(n.get("body").has("myNumber")).isFalse();
        });
        Outcome<FuhyoRecord> o = query.query(Store.FUHYO, QueryKey.juminhyoCode(code), OPERATOR);
        assertThat(o.result()).isEqualTo(Result.FOUND);
        assertThat(o.record().abroad()).isTrue();
        assertThat(o.record().lastAddress().text()).isEqualTo("東京都渋谷区神南１番１号");
        assertThat(o.record().noticeKind()).isEqualTo("CHANGE");
    }

    private static List<JsonNode> noticesOf(String code) {
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode n : gw.fuhyo.notices()) {
            if (code.equals(n.get("body").get("juminhyoCode").asText())) {
                mine.add(n);
            }
        }
        return mine;
    }

    @Test
    void theQueryAndItsAnswerAreAuditedWithHashedPersonsAndTheRequester() throws Exception {
        JsonNode person = gw.national.person(7);
        String code = code(person);

        Outcome<HonninRecord> o = query.query(Store.HONNIN, QueryKey.juminhyoCode(code), "agency-test");

        List<String> rows = audit(o.queryId(), 2);
        assertThat(rows).containsExactly(
                "national|out|national|HONNIN_QUERY|130001|SENT|key juminhyoCode, requester agency-test|{" + hasher.hash(code) + "}",
                "national|out|national|HONNIN_QUERY|130001|ACK|I000|FOUND 1|{" + hasher.hash(code) + "}");
        assertThat(String.join("\n", rows)).doesNotContain(code, person.get("myNumber").asText(),
                person.get("name").get("kanji").asText(), person.get("name").get("kana").asText());
    }

    @Test
    void theOperatorCommandPrintsTheRecordAndAuditsTheOperatorTerminalAndPurpose() throws Exception {
        JsonNode person = gw.national.person(9);
        String code = code(person);

        OperatorDesk.Run run = cli("--juminhyo-code", code);

        assertThat(run.exit()).as(run.err()).isZero();
        String printed = run.out();
        assertThat(printed).contains(": FOUND (1 record)", code, person.get("name").get("kanji").asText(),
                person.get("myNumber").asText());
        Matcher id = Pattern.compile("HONNIN_QUERY (NQ-[0-9a-f-]+): ").matcher(printed);
        assertThat(id.find()).isTrue();
        // written before the answer was shown: no waiting for the gateway's audit queue
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = ?", id.group(1))).isEqualTo(2);
        assertThat(audit(id.group(1), 2)).containsExactly(
                "national|out|national|HONNIN_QUERY|130001|SENT|key juminhyoCode, requester " + SEARCHER + "|{"
                        + hasher.hash(code) + "}",
                "national|out|national|HONNIN_QUERY|130001|ACK|I000|FOUND 1|{" + hasher.hash(code) + "}");
        assertThat(gw.queryString("SELECT string_agg(concat_ws('|', operator_id, terminal_id, reason), ',' ORDER BY id) "
                + "FROM audit.record WHERE msg_id = ?", id.group(1))).isEqualTo(
                SEARCHER + "|" + OperatorDesk.TERMINAL + "|" + PURPOSE + "," + SEARCHER + "|" + OperatorDesk.TERMINAL + "|" + PURPOSE);
        // the request itself was audited by the operator port before anything was asked
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REQUEST' AND operator_id = ? "
                + "AND detail = 'NATIONAL_QUERY' AND reason = ?", SEARCHER, PURPOSE)).isPositive();
        assertThat(Files.readString(Path.of("target/test-logs/tests.log"), StandardCharsets.UTF_8)).doesNotContain(code)
                .doesNotContain(person.get("myNumber").asText());
    }

    @Test
    void theOperatorCommandTellsEachOutcomeByItsExitCode() throws Exception {
        OperatorDesk.Run run = cli("--juminhyo-code", Messages.newJuminhyoCode());
        assertThat(run.exit()).as(run.err()).isEqualTo(10);
        assertThat(run.out()).contains(": NOT_FOUND");

        JsonNode annex = gw.fuhyo.person(5);
        run = cli("--fuhyo", "--name-kana", annex.get("name").get("kana").asText(), "--birth-date",
                annex.get("birthDate").asText(), "--sex", annex.get("sex").asText());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("FUHYO_QUERY", ": FOUND (1 record)", code(annex), "最終住所", "附票管理市町村");

        run = cli("--fuhyo", "--my-number", Messages.newMyNumber());
        assertThat(run.exit()).isEqualTo(13);
        assertThat(run.out()).contains("REFUSED E110 key.myNumber: not a key of FUHYO_QUERY");

        assertThat(cli("--juminhyo-code", Messages.newJuminhyoCode(), "--my-number", Messages.newMyNumber()).exit())
                .isEqualTo(2);
    }

    @Test
    void theOperatorCommandAsksNothingWhenTheOperatorApiCannotBeReached() throws Exception {
        long asked = gw.national.queries();
        Path password = Files.createTempFile("juki-pw", ".txt", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(password, OperatorDesk.PASSWORD);
        try (ServerSocket closed = new ServerSocket(0)) {
            String nowhere = "https://localhost:" + closed.getLocalPort();
            closed.close();

            OperatorDesk.Run run = OperatorDesk.run("query", "national", "--juminhyo-code", code(gw.national.person(0)),
                    "--reason", PURPOSE, "--cert", OperatorDesk.p12(SEARCHER).toString(), "--password-file", password.toString(),
                    "--api", nowhere, "--set", "juki.keystores.dir=" + TestPki.dir());

            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("the operator API could not be reached");
        } finally {
            Files.delete(password);
        }
        assertThat(gw.national.queries()).isEqualTo(asked);
    }

    @Test
    void onlyASearcherMayQueryAndOnlyWithAStatedPurposeEachRefusalAuditedAndNothingAsked() throws Exception {
        long asked = gw.national.queries();
        String code = code(gw.national.person(11));

        OperatorDesk.Run manager = desk.cli("mgr1", "query", "national", "--juminhyo-code", code, "--reason", PURPOSE);

        assertThat(manager.exit()).isEqualTo(1);
        assertThat(manager.err()).startsWith("P403: ").doesNotContain(code);
        assertThat(manager.out()).isEmpty();
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'P403' "
                + "AND operator_id = 'mgr1' AND terminal_id = ? AND detail = 'NATIONAL_QUERY'", OperatorDesk.TERMINAL)).isPositive();

        ObjectNode body = OperatorDesk.body().put("fuhyo", false);
        body.putObject("key").put("juminhyoCode", code);
        OperatorDesk.Reply noPurpose = desk.login(SEARCHER).post("/api/national/query", body);
        assertThat(noPurpose.status()).isEqualTo(400);
        assertThat(noPurpose.code()).isEqualTo("A400");
        assertThat(noPurpose.body()).contains("reason").doesNotContain(code);

        ObjectNode twoKeys = OperatorDesk.body().put("reason", PURPOSE);
        twoKeys.putObject("key").put("juminhyoCode", code).put("myNumber", Messages.newMyNumber());
        OperatorDesk.Reply ambiguous = desk.login(SEARCHER).post("/api/national/query", twoKeys);
        assertThat(ambiguous.status()).isEqualTo(400);
        assertThat(ambiguous.body()).doesNotContain(code);
        assertThat(gw.national.queries()).isEqualTo(asked);
    }

    @Test
    void plantedPersonalDataAppearsInNoLogNoDetailAndNoAuditRecordOfAnyOutcome() throws Exception {
        String kanji = "漏洩照会 次郎";
        String kana = "ロウエイショウカイ ジロウ";
        ObjectNode person = notified(kanji, kana, "1955-05-05");
        String code = code(person);
        String myNumber = person.get("myNumber").asText();
        String wrongDigit = code.substring(0, 10) + (char) ('0' + (code.charAt(10) - '0' + 1) % 10);
        List<Outcome<?>> outcomes = new ArrayList<>();

        outcomes.add(query.query(Store.HONNIN, QueryKey.fourInfo(kana, kanji, "1955-05-05", null, null), OPERATOR));
        outcomes.add(query.query(Store.HONNIN, QueryKey.myNumber(myNumber), OPERATOR));
        outcomes.add(query.query(Store.HONNIN, QueryKey.juminhyoCode(wrongDigit), OPERATOR));
        outcomes.add(query.query(Store.HONNIN, QueryKey.fourInfo(kana, null, null, kanji, null), OPERATOR));
        outcomes.add(query.query(Store.HONNIN, QueryKey.juminhyoCode(code), kanji));
        outcomes.add(query.query(Store.FUHYO, QueryKey.myNumber(myNumber), OPERATOR));
        gw.national.setUnavailable(true);
        try {
            outcomes.add(query.query(Store.HONNIN, QueryKey.juminhyoCode(code), OPERATOR));
        } finally {
            gw.national.setUnavailable(false);
        }

        assertThat(outcomes).extracting(o -> o.result().name()).containsExactly("FOUND", "FOUND", "REFUSED", "REFUSED",
                "REFUSED", "REFUSED", "UNAVAILABLE");
        for (Outcome<?> o : outcomes) {
            assertThat(o.detail() + o).doesNotContain(code, wrongDigit, myNumber, "漏洩", "ロウエイ");
            assertThat(audit(o.queryId(), 1)).noneSatisfy(row ->
                    assertThat(row).containsAnyOf(code, wrongDigit, myNumber, "漏洩", "ロウエイ"));
        }
        String log = Files.readString(Path.of("target/test-logs/tests.log"), StandardCharsets.UTF_8);
        assertThat(log).contains("unavailable (server cannot serve now").doesNotContain(code).doesNotContain(wrongDigit)
                .doesNotContain(myNumber).doesNotContain("漏洩").doesNotContain("ロウエイ");
    }

    /** {@code ./gateway query national args… --reason PURPOSE} as the searcher, through the operator API. */
    private static OperatorDesk.Run cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("query", "national"));
        all.addAll(List.of(args));
        all.addAll(List.of("--reason", PURPOSE));
        return desk.cli(SEARCHER, all.toArray(String[]::new));
    }
}
