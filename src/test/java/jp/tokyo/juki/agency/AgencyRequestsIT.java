package jp.tokyo.juki.agency;

import static jp.tokyo.juki.testkit.Messages.abroad;
import static jp.tokyo.juki.testkit.Messages.fuhyoPerson;
import static jp.tokyo.juki.testkit.Messages.fuhyoUpdate;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agency request flow end to end (PROTOCOL §4, SPEC R-PROV): files dropped into a gateway's
 * drop folder, answered into its outbox, opened as the agency opens them. Every refusal — of a
 * row or of a whole file — is answered, audited and leaves nothing in plain on disk. A bulk request
 * waits for a manager, who decides with {@code ./gateway approvals} through the operator API.
 */
class AgencyRequestsIT {
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static final AtomicLong NAMES = new AtomicLong();
    private static final String MANAGER = "mgr1";
    private static OperatorDesk desk;
    private static RunningGateway gw;
    private static FrameClient chiyoda;
    /** a Chiyoda resident */
    private static String residentCode;
    private static String residentMyNumber;
    /** deleted from honnin by 国外転出, abroad on Chiyoda's annex */
    private static String abroadCode;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(true, Map.of(
                "juki.agency.poll-ms", "200",
                "juki.agency.sweep-ms", "300",
                "juki.agency.approval-rows", "5",
                "juki.agency.max-rows", "50",
                "juki.agency.max-file-mib", "1"));
        desk.issue(MANAGER, Role.MANAGER).issue("srch1", Role.SEARCHER);
        gw = desk.gw;
        gw.startFuhyo();
        chiyoda = gw.connect(CHIYODA);
        residentCode = Messages.newJuminhyoCode();
        residentMyNumber = Messages.newMyNumber();
        ack(update(CHIYODA, "MOVE_IN", Messages.person(CHIYODA, residentCode, residentMyNumber, "水道 花子", "スイドウ ハナコ")));
        abroadCode = Messages.newJuminhyoCode();
        ObjectNode honnin = Messages.person(CHIYODA, abroadCode, Messages.newMyNumber(), "海外 次郎", "カイガイ ジロウ");
        ack(update(CHIYODA, "MOVE_IN", honnin));
        ObjectNode annex = fuhyoPerson(CHIYODA).put("juminhyoCode", abroadCode);
        ack(fuhyoUpdate(CHIYODA, "MOVE_IN", annex));
        ack(fuhyoUpdate(CHIYODA, "MOVE_OUT_ABROAD", abroad(annex)));
        ack(update(CHIYODA, "MOVE_OUT_ABROAD", honnin));
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, desk);
    }

    private static void ack(Request r) throws Exception {
        assertThat(chiyoda.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
    }

    // ------------------------------------------------------------------ the agency's side

    private static PrivateKey key(String identity) throws Exception {
        return Pem.readPrivateKey(TestPki.dir().resolve(identity + ".key.pem"));
    }

    private static X509Certificate cert(String identity) throws Exception {
        return Pem.readCertificate(TestPki.dir().resolve(identity + ".pem"));
    }

    /** A request file as {@code signer} makes it, encrypted to the gateway. */
    private static byte[] request(String signer, String csv) throws Exception {
        return CmsFiles.protect(csv.getBytes(StandardCharsets.UTF_8), key(signer), cert(signer), cert(Identities.GATEWAY));
    }

    private static Path folder(String agency) {
        return gw.data.resolve("sftp").resolve(agency);
    }

    /** Uploads as an agency does: a temporary name, then the final one. Returns the name's stem. */
    private static String drop(String agency, byte[] file) throws Exception {
        String stem = "t" + NAMES.incrementAndGet();
        Path part = folder(agency).resolve("inbox").resolve(stem + ".req.p7m.part");
        Files.write(part, file);
        Files.move(part, folder(agency).resolve("inbox").resolve(stem + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        return stem;
    }

    /** The answer as the agency opens it: decrypted with its key, signed by the gateway. */
    private record Answer(String kind, String text) {
        List<CSVRecord> rows() throws Exception {
            assertThat(kind).as("answer kind; text: %s", text).isEqualTo("res");
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(text))
                    .getRecords();
        }
    }

    private static Answer answer(String agency, String stem) throws Exception {
        Path outbox = folder(agency).resolve("outbox");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(outbox.resolve(stem + ".res.p7m"))
                || Files.exists(outbox.resolve(stem + ".err.p7m")));
        String kind = Files.exists(outbox.resolve(stem + ".res.p7m")) ? "res" : "err";
        byte[] file = Files.readAllBytes(outbox.resolve(stem + "." + kind + ".p7m"));
        CmsFiles.Opened opened = CmsFiles.open(file, key("agency-" + agency), cert("agency-" + agency));
        assertThat(Identities.commonName(opened.signer())).isEqualTo(Identities.GATEWAY);
        assertThat(opened.signer().getEncoded()).isEqualTo(cert(Identities.GATEWAY).getEncoded());
        return new Answer(kind, new String(opened.content(), StandardCharsets.UTF_8));
    }

    private static String requestAudit(String agency, String code) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'agency' "
                + "AND peer = ? AND code = ?", "agency-" + agency, code) > 0);
        return gw.queryString("SELECT string_agg(concat_ws('|', status, code, detail), E'\\n' ORDER BY at, id) FROM audit.record "
                + "WHERE line = 'agency' AND peer = ? AND code = ?", "agency-" + agency, code);
    }

    private static void assertRequestGone(String agency, String stem) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(folder(agency).resolve("inbox").resolve(stem + ".req.p7m")));
    }

    // ------------------------------------------------------------------ rows

    @Test
    void aFilesAuditRecordIsCommittedWithItsAnswerNotAfterIt() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, HEADER + "r1,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n"));
        Path outbox = folder("suido").resolve("outbox");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> Files.exists(outbox.resolve(stem + ".res.p7m")));

        // the answer is published only after its transaction: its audit record is already there, no waiting
        long id = gw.queryLong("SELECT id FROM agency.request WHERE agency = 'suido' AND file_name = ?", stem + ".req.p7m");
        assertThat(gw.queryString("SELECT status || '/' || code || '/' || detail FROM audit.record WHERE line = 'agency' "
                + "AND msg_type = 'AGENCY_REQUEST' AND msg_id = ?", "AR-" + id)).isEqualTo("ANSWERED/A000/1 rows: FOUND 1");
        assertThat(gw.queryLong("SELECT count(*) FROM agency.provision WHERE request = ?", id)).isEqualTo(1);
    }

    @Test
    void aRowIsAnsweredWithOnlyTheItemsItsBusinessMayReceiveAndRecordedAsAProvision() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, HEADER
                + "r1,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n"
                + "r2,SUIDO-FEE,FOUR_INFO,,,スイドウ ハナコ,,1980-04-01,,\n"));

        List<CSVRecord> rows = answer("suido", stem).rows();

        assertThat(rows).hasSize(2);
        for (CSVRecord r : rows) {
            assertThat(r.get("status")).isEqualTo("FOUND");
            assertThat(r.get("juminhyo_code")).isEqualTo(residentCode);
            assertThat(r.get("name_kanji")).isEqualTo("水道 花子");
            assertThat(r.get("address")).startsWith("東京都千代田区");
            assertThat(r.get("reason")).isEqualTo("MOVE_IN");
            // SUIDO-FEE may not have birth date, sex or the My Number (config/agencies.yaml)
            assertThat(r.get("birth_date")).isEmpty();
            assertThat(r.get("sex")).isEmpty();
            assertThat(r.get("my_number")).isEmpty();
        }
        assertRequestGone("suido", stem);
        String provision = gw.queryString("SELECT string_agg(concat_ws('|', kind, business, legal_basis, row_ref, key_type, "
                + "items::text, outcome), E'\\n' ORDER BY line) FROM agency.provision p JOIN agency.request q ON q.id = p.request "
                + "WHERE q.file_name = ? AND q.agency = 'suido'", stem + ".req.p7m");
        assertThat(provision).isEqualTo(
                "PROVISION|SUIDO-FEE|都条例 別表第2 (東京都給水条例による料金の徴収)|r1|JUMINHYO_CODE|"
                        + "{juminhyo_code,name_kanji,name_kana,address,reason,change_date}|FOUND\n"
                        + "PROVISION|SUIDO-FEE|都条例 別表第2 (東京都給水条例による料金の徴収)|r2|FOUR_INFO|"
                        + "{juminhyo_code,name_kanji,name_kana,address,reason,change_date}|FOUND");
        // the person as the audit's keyed hash, so a resident's disclosure finds both rows
        assertThat(gw.queryLong("SELECT count(DISTINCT person) FROM agency.provision p JOIN agency.request q ON q.id = p.request "
                + "WHERE q.file_name = ? AND q.agency = 'suido' AND person IS NOT NULL", stem + ".req.p7m")).isEqualTo(1);
        assertThat(requestAudit("suido", "A000")).contains("ANSWERED|A000|2 rows: FOUND 2");
    }

    @Test
    void eachRowTheAgencyMayNotAskIsRefusedOnItsOwnRowAndTheOthersAreAnswered() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, HEADER
                + "ok,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n"
                + "other-agency,SHUZEI-TAX,JUMINHYO_CODE," + residentCode + ",,,,,,\n"
                + "unknown,NO-SUCH-BUSINESS,JUMINHYO_CODE," + residentCode + ",,,,,,\n"
                + "my-number,SUIDO-FEE,MY_NUMBER,," + residentMyNumber + ",,,,,\n"
                + "bad-code,SUIDO-FEE,JUMINHYO_CODE,12345678901,,,,,,\n"));

        List<CSVRecord> rows = answer("suido", stem).rows();

        assertThat(rows).extracting(r -> r.get("request_id") + "|" + r.get("status") + "|" + r.get("reason")).containsExactly(
                "ok|FOUND|MOVE_IN",
                "other-agency|REFUSED|business: not a business of this agency (config/agencies.yaml)",
                "unknown|REFUSED|business: not a business of this agency (config/agencies.yaml)",
                "my-number|REFUSED|key_type: 番号法 does not allow this business the My Number",
                "bad-code|INVALID|juminhyo_code: check digit");
        // refused rows carry no item of the person
        assertThat(rows.subList(1, 5)).allSatisfy(r -> assertThat(r.get("name_kanji") + r.get("juminhyo_code")).isEmpty());
        String provision = gw.queryString("SELECT string_agg(concat_ws('|', row_ref, coalesce(business, '-'), outcome, "
                + "items::text, (person IS NOT NULL)::text), E'\\n' ORDER BY line) FROM agency.provision p "
                + "JOIN agency.request q ON q.id = p.request WHERE q.file_name = ? AND q.agency = 'suido'", stem + ".req.p7m");
        assertThat(provision).isEqualTo("ok|SUIDO-FEE|FOUND|{juminhyo_code,name_kanji,name_kana,address,reason,change_date}|true\n"
                + "other-agency|-|REFUSED|{}|true\n"
                + "unknown|-|REFUSED|{}|true\n"
                + "my-number|SUIDO-FEE|REFUSED|{}|false\n"
                + "bad-code|SUIDO-FEE|INVALID|{}|false");
    }

    @Test
    void aKeyTypeTheBusinessMayNotUseIsRefused() throws Exception {
        // 東京消防庁's SHOBO-RECORDS may ask by 住民票コード only (config/agencies.yaml)
        String stem = drop("shobo", request(TestPki.CODE_ONLY_AGENCY, HEADER
                + "code,SHOBO-RECORDS,JUMINHYO_CODE," + residentCode + ",,,,,,\n"
                + "four,SHOBO-RECORDS,FOUR_INFO,,,スイドウ ハナコ,,1980-04-01,,\n"
                + "unknown-type,SHOBO-RECORDS,PASSPORT_NUMBER,,,,,,,\n"));

        List<CSVRecord> rows = answer("shobo", stem).rows();

        assertThat(rows).extracting(r -> r.get("request_id") + "|" + r.get("status") + "|" + r.get("reason")).containsExactly(
                "code|FOUND|",
                "four|REFUSED|key_type: FOUR_INFO is not allowed for this business",
                "unknown-type|INVALID|key_type: must be JUMINHYO_CODE, MY_NUMBER or FOUR_INFO");
        // SHOBO-RECORDS receives juminhyo_code, name_kanji and address only
        assertThat(rows.get(0).get("name_kanji")).isEqualTo("水道 花子");
        assertThat(rows.get(0).get("name_kana") + rows.get(0).get("birth_date") + rows.get(0).get("my_number")).isEmpty();
        assertThat(requestAudit("shobo", "A000")).contains("3 rows: FOUND 1, INVALID 1, REFUSED 1");
    }

    @Test
    void aBusinessThatMayHaveTheMyNumberGetsItByMyNumber() throws Exception {
        String stem = drop("shuzei", request(TestPki.OTHER_AGENCY, HEADER
                + "mn,SHUZEI-TAX,MY_NUMBER,," + residentMyNumber + ",,,,,\n"));

        CSVRecord row = answer("shuzei", stem).rows().get(0);

        assertThat(row.get("status")).isEqualTo("FOUND");
        assertThat(row.get("juminhyo_code")).isEqualTo(residentCode);
        assertThat(row.get("my_number")).isEqualTo(residentMyNumber);
        assertThat(row.get("birth_date")).isEqualTo("1980-04-01");
    }

    @Test
    void aPersonNotInTokyoIsAskedAtTheNationalServer() throws Exception {
        JsonNode outside = gw.national.person(7);
        long queriesBefore = gw.national.queries();
        String stem = drop("shuzei", request(TestPki.OTHER_AGENCY, HEADER
                + "n1,SHUZEI-TAX,JUMINHYO_CODE," + outside.get("juminhyoCode").asText() + ",,,,,,\n"
                + "n2,SHUZEI-TAX,JUMINHYO_CODE," + Messages.newJuminhyoCode() + ",,,,,,\n"));

        List<CSVRecord> rows = answer("shuzei", stem).rows();

        assertThat(rows.get(0).get("status")).isEqualTo("FOUND_NATIONAL");
        assertThat(rows.get(0).get("name_kanji")).isEqualTo(outside.get("name").get("kanji").asText());
        assertThat(rows.get(0).get("my_number")).isEqualTo(outside.get("myNumber").asText());
        assertThat(rows.get(1).get("status")).isEqualTo("NOT_FOUND");
        // n1 at the national server; n2 at both national servers (FUHYO_QUERY is the fuhyo simulator's)
        assertThat(gw.national.queries() - queriesBefore).isEqualTo(2);
    }

    @Test
    void aPersonAbroadGetsTheMyNumberOnlyThroughTheLinkWhichEndsWhenTheAgencyCollectsTheAnswer() throws Exception {
        String stem = drop("shuzei", request(TestPki.OTHER_AGENCY, HEADER
                + "a1,SHUZEI-TAX,JUMINHYO_CODE," + abroadCode + ",,,,,,\n"));

        Answer a = answer("shuzei", stem);
        CSVRecord row = a.rows().get(0);

        assertThat(row.get("status")).isEqualTo("FOUND");
        assertThat(row.get("my_number")).matches("\\d{12}");
        long request = gw.queryLong("SELECT id FROM agency.request WHERE agency = 'shuzei' AND file_name = ?", stem + ".req.p7m");
        assertThat(gw.queryLong("SELECT count(*) FROM link.my_number_hold WHERE delivery_id = ?", "shuzei:" + request))
                .isEqualTo(1);

        Files.delete(folder("shuzei").resolve("outbox").resolve(stem + ".res.p7m")); // the agency collects it

        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong(
                "SELECT count(*) FROM link.my_number_hold WHERE delivery_id = ?", "shuzei:" + request) == 0);
        assertThat(gw.queryString("SELECT collected_at IS NOT NULL FROM agency.request WHERE id = ?", request)).isEqualTo("t");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(gw.queryString("SELECT string_agg(status, ',') "
                + "FROM audit.record WHERE line = 'agency' AND msg_type = 'AGENCY_ANSWER' AND msg_id = ?", "AR-" + request))
                .isEqualTo("COLLECTED"));
    }

    @Test
    void anAnswerNobodyCollectsIsErasedAfterTheRetentionPeriod() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, HEADER + "e1,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n"));
        answer("suido", stem);
        Path answer = folder("suido").resolve("outbox").resolve(stem + ".res.p7m");

        Files.setLastModifiedTime(answer, FileTime.from(Instant.now().minus(Duration.ofHours(73))));

        await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(answer));
        long request = gw.queryLong("SELECT id FROM agency.request WHERE agency = 'suido' AND file_name = ?", stem + ".req.p7m");
        await().atMost(Duration.ofSeconds(10)).until(() -> "ERASED".equals(gw.queryString("SELECT string_agg(status, ',') "
                + "FROM audit.record WHERE line = 'agency' AND msg_type = 'AGENCY_ANSWER' AND msg_id = ?", "AR-" + request)));
        assertThat(gw.queryString("SELECT erased_at IS NOT NULL FROM agency.request WHERE id = ?", request)).isEqualTo("t");
    }

    @Test
    void anUnpublishedAnswerWhoseRequestIsGoneIsErasedAfterTheRetentionPeriod() throws Exception {
        // a crash between commit and rename, and the agency removed its request meanwhile: nobody publishes this
        Path part = folder("suido").resolve("outbox").resolve("orphan" + NAMES.incrementAndGet() + ".res.p7m.part");
        Files.write(part, CmsFiles.protect("x".getBytes(StandardCharsets.UTF_8), key(Identities.GATEWAY),
                cert(Identities.GATEWAY), cert(TestPki.AGENCY)));
        Thread.sleep(700);
        assertThat(part).as("younger than the retention period: kept").exists();

        Files.setLastModifiedTime(part, FileTime.from(Instant.now().minus(Duration.ofHours(73))));

        await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(part));
    }

    // ------------------------------------------------------------------ whole files

    @Test
    void aFileSignedByAnotherAgencyIsRefused() throws Exception {
        String stem = drop("suido", request(TestPki.OTHER_AGENCY, HEADER + "x,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n"));

        Answer a = answer("suido", stem);

        assertThat(a.kind()).isEqualTo("err");
        assertThat(a.text()).isEqualTo("A110: the file is not signed by this agency's valid certificate: "
                + "signed by 'agency-shuzei', not by agency-suido\n");
        assertRequestGone("suido", stem);
        assertThat(requestAudit("suido", "A110")).contains("REFUSED|A110|");
    }

    @Test
    void aFileSignedWithARevokedCertificateIsRefused() throws Exception {
        String stem = drop("kyoiku", request(TestPki.REVOKED_AGENCY,
                HEADER + "x,KYOIKU-SCHOLARSHIP,JUMINHYO_CODE," + residentCode + ",,,,,,\n"));

        Answer a = answer("kyoiku", stem);

        assertThat(a.kind()).isEqualTo("err");
        assertThat(a.text()).contains("A110").contains("certificate revoked");
        assertThat(requestAudit("kyoiku", "A110")).contains("certificate revoked");
    }

    @Test
    void aFileThatIsNotCmsIsRefused() throws Exception {
        String stem = drop("suido", HEADER.getBytes(StandardCharsets.UTF_8));

        Answer a = answer("suido", stem);

        assertThat(a.kind()).isEqualTo("err");
        assertThat(a.text()).isEqualTo("A100: the file cannot be opened: not a CMS AuthEnvelopedData (RFC 5083) file\n");
        assertRequestGone("suido", stem);
    }

    @Test
    void aMalformedCsvIsRefusedNamingTheLine() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, HEADER + "x,SUIDO-FEE,JUMINHYO_CODE\n"));

        Answer a = answer("suido", stem);

        assertThat(a.kind()).isEqualTo("err");
        assertThat(a.text()).isEqualTo("A120: the request CSV cannot be read: line 2: 3 columns, 10 expected\n");
        assertThat(requestAudit("suido", "A120")).contains("line 2");
    }

    @Test
    void anOversizedFileIsRefusedUnread() throws Exception {
        byte[] big = new byte[1024 * 1024 + 1];
        String stem = drop("suido", big);

        Answer a = answer("suido", stem);

        assertThat(a.kind()).isEqualTo("err");
        assertThat(a.text()).startsWith("A130: the file is too large: 1048577 bytes, at most 1048576");
        assertRequestGone("suido", stem);
    }

    @Test
    void aFileWithMoreRowsThanAllowedIsRefused() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 51; i++) {
            csv.append("r").append(i).append(",SUIDO-FEE,JUMINHYO_CODE,").append(residentCode).append(",,,,,,\n");
        }
        String stem = drop("suido", request(TestPki.AGENCY, csv.toString()));

        assertThat(answer("suido", stem).text()).isEqualTo("A130: the file is too large: more than 50 rows\n");
    }

    @Test
    void aFileWithAnUnusableNameIsAnsweredUnderANameOfTheGateways() throws Exception {
        Path part = folder("suido").resolve("inbox").resolve("x.part");
        Files.write(part, request(TestPki.AGENCY, HEADER));
        Path odd = folder("suido").resolve("inbox").resolve("\u001b[2Jreport.req.p7m");
        Files.move(part, odd, StandardCopyOption.ATOMIC_MOVE);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(odd.getFileName().toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);

        Answer a = answer("suido", "unusable-name-" + hex);

        assertThat(a.text()).startsWith("A150: the file name is not usable: a request is named with 1-172 of");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(odd));
    }

    // ------------------------------------------------------------------ bulk approval

    private static String bulk(int rows) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < rows; i++) {
            csv.append("b").append(i).append(",SUIDO-FEE,JUMINHYO_CODE,").append(residentCode).append(",,,,,,\n");
        }
        return csv.toString();
    }

    private static long waitingRequest(String stem) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM agency.request "
                + "WHERE agency = 'suido' AND file_name = ? AND state = 'WAITING'", stem + ".req.p7m") == 1);
        return gw.queryLong("SELECT id FROM agency.request WHERE agency = 'suido' AND file_name = ? AND state = 'WAITING'",
                stem + ".req.p7m");
    }

    /** The audit records of one request, in order, once they are all written (the audit is written asynchronously). */
    private static void assertAudit(long id, String columns, String expected) {
        String sql = "SELECT string_agg(" + columns + ", ',' ORDER BY at, id) FROM audit.record WHERE line = 'agency' AND msg_id = ?";
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(gw.queryString(sql, "AR-" + id)).isEqualTo(expected));
    }

    /** {@code ./gateway approvals args…} as the manager, through the operator API. */
    private static OperatorDesk.Run approvals(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "approvals";
        System.arraycopy(args, 0, all, 1, args.length);
        return desk.cli(MANAGER, all);
    }

    @Test
    void aBulkRequestWaitsForAManagersApprovalAndIsThenAnswered() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, bulk(6)));
        long id = waitingRequest(stem);
        Thread.sleep(1000); // several polls: still no answer
        assertThat(folder("suido").resolve("outbox").resolve(stem + ".res.p7m")).doesNotExist();
        assertThat(folder("suido").resolve("inbox").resolve(stem + ".req.p7m")).exists();
        OperatorDesk.Run list = approvals("list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("\\d+ request\\(s\\) waiting for approval")
                .contains("  AR-" + id + "  agency-suido  6 rows  received ", "  file " + stem + ".req.p7m");

        OperatorDesk.Run approve = approvals("approve", "AR-" + id);

        assertThat(approve.exit()).as(approve.err()).isZero();
        assertThat(approve.out()).isEqualTo("AR-" + id + " approved by " + MANAGER + ": 6 rows of agency-suido; answered at the "
                + "agency's next poll\n");
        assertThat(answer("suido", stem).rows()).hasSize(6);
        assertAudit(id, "concat_ws('|', peer, status, code, operator_id, terminal_id)",
                "agency-suido|WAITING|A200,operator:" + MANAGER + "|APPROVED|A210|" + MANAGER + "|" + OperatorDesk.TERMINAL
                        + ",agency-suido|ANSWERED|A000");
        assertThat(gw.queryString("SELECT decided_by FROM agency.request WHERE id = ?", id)).isEqualTo(MANAGER);
    }

    @Test
    void aRejectedBulkRequestIsAnsweredWithTheReason() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, bulk(7)));
        long id = waitingRequest(stem);

        OperatorDesk.Run reject = approvals("reject", Long.toString(id), "--reason", "no business need stated");

        assertThat(reject.exit()).as(reject.err()).isZero();
        assertThat(reject.out()).isEqualTo("AR-" + id + " rejected by " + MANAGER + ": 7 rows of agency-suido; the agency gets "
                + "an .err.p7m with the reason\n");
        Answer a = answer("suido", stem);
        assertThat(a.kind()).isEqualTo("err");
        assertThat(a.text()).isEqualTo("A140: rejected by a manager: by " + MANAGER + ": no business need stated\n");
        assertRequestGone("suido", stem);
        assertAudit(id, "concat_ws('|', status, code, operator_id, reason)",
                "WAITING|A200,REJECTED|A140|" + MANAGER + "|no business need stated,REFUSED|A140");
    }

    @Test
    void aBulkRequestTheAgencyTakesBackNoLongerWaits() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, bulk(8)));
        long id = waitingRequest(stem);

        Files.delete(folder("suido").resolve("inbox").resolve(stem + ".req.p7m"));

        await().atMost(Duration.ofSeconds(20)).until(() -> "DONE".equals(gw.queryString(
                "SELECT state FROM agency.request WHERE id = ?", id)));
        assertThat(approvals("list").out()).doesNotContain("AR-" + id + " ");
        OperatorDesk.Run approve = approvals("approve", "AR-" + id);
        assertThat(approve.exit()).isEqualTo(1);
        assertThat(approve.err()).isEqualTo("A290: no request AR-" + id + " waits for approval (./gateway approvals list)\n");
        // the attempt to approve it is refused and audited too
        assertAudit(id, "concat_ws('|', status, code)", "WAITING|A200,WITHDRAWN,REFUSED|A290");
        assertThat(folder("suido").resolve("outbox").resolve(stem + ".res.p7m")).doesNotExist();
    }

    @Test
    void aDecisionNeedsAnOperatorAndARejectionAReason() throws Exception {
        try (Connection c = gw.gateway.database().dataSource().getConnection()) {
            Assertions.assertThatThrownBy(() -> Approvals.decide(c, 999_998, "", true, null))
                    .hasMessageContaining("operator: ");
            Assertions.assertThatThrownBy(() -> Approvals.decide(c, 999_998, "manager-7", false, " "))
                    .hasMessageContaining("a rejection needs a reason");
            Assertions.assertThatThrownBy(() -> Approvals.decide(c, 999_999, "manager-7", true, null))
                    .hasMessageContaining("no request AR-999999 waits");
        }
        // each refused decision is audited, changing nothing
        assertThat(gw.queryString("SELECT string_agg(concat_ws('|', coalesce(peer, '-'), msg_id, status, "
                + "coalesce(operator_id, '-'), coalesce(reason, '-')), ',' ORDER BY id) "
                + "FROM audit.record WHERE code = 'A290' AND msg_id IN ('AR-999998', 'AR-999999')"))
                .isEqualTo("-|AR-999998|REFUSED|-|-,operator:manager-7|AR-999998|REFUSED|manager-7|-,"
                        + "operator:manager-7|AR-999999|REFUSED|manager-7|-");
    }

    @Test
    void theDecidingOperatorIsTheSessionsNeverANameInTheBody() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, bulk(6)));
        long id = waitingRequest(stem);
        ObjectNode body = OperatorDesk.body().put("id", "AR-" + id).put("operator", "someone-else").put("by", "someone-else");

        OperatorDesk.Reply r = desk.login(MANAGER).post("/api/approvals/approve", body);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("by").asText()).isEqualTo(MANAGER);
        assertThat(r.json().path("decision").asText()).isEqualTo("approved");
        assertThat(gw.queryString("SELECT decided_by FROM agency.request WHERE id = ?", id)).isEqualTo(MANAGER);
        assertThat(answer("suido", stem).rows()).hasSize(6);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE operator_id = 'someone-else'")).isZero();
    }

    @Test
    void onlyAManagerDecidesAndTheApisRefusalsAreAuditedWithTheOperator() throws Exception {
        OperatorDesk.Run list = desk.cli("srch1", "approvals", "list");
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.err()).startsWith("P403: ");
        OperatorDesk.Run approve = desk.cli("srch1", "approvals", "approve", "AR-999996");
        assertThat(approve.exit()).isEqualTo(1);
        assertThat(approve.err()).startsWith("P403: ");
        assertThat(gw.queryString("SELECT string_agg(detail, ',' ORDER BY id) FROM audit.record WHERE msg_type = 'API_REFUSED' "
                + "AND code = 'P403' AND operator_id = 'srch1' AND terminal_id = ?", OperatorDesk.TERMINAL))
                .contains("APPROVALS_LIST", "APPROVALS_DECIDE");
        // a refused decision changes nothing and never reaches the capability: no A290 for it
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = 'AR-999996'")).isZero();

        OperatorDesk.Api manager = desk.login(MANAGER);
        OperatorDesk.Reply noReason = manager.post("/api/approvals/reject", OperatorDesk.body().put("id", "AR-999997"));
        assertThat(noReason.status()).isEqualTo(409);
        assertThat(noReason.code()).isEqualTo("A290");
        assertThat(noReason.json().path("reason").asText()).contains("a rejection needs a reason");
        assertThat(gw.queryString("SELECT concat_ws('|', status, code, operator_id, terminal_id) FROM audit.record "
                + "WHERE msg_id = 'AR-999997'")).isEqualTo("REFUSED|A290|" + MANAGER + "|" + OperatorDesk.TERMINAL);
        OperatorDesk.Reply badId = manager.post("/api/approvals/approve", OperatorDesk.body().put("id", "AR-12; DROP"));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.code()).isEqualTo("A400");
        assertThat(badId.body()).doesNotContain("DROP");
    }

    // ------------------------------------------------------------------ crash safety, plaintext

    @Test
    void aFileWhoseAnswerWasCommittedBeforeACrashIsFinishedNotAnsweredAgain() throws Exception {
        // the state a crash leaves between committing the answer and publishing it: the answer's
        // .part in outbox/, the ledger saying ANSWERED, the request still in inbox/
        byte[] file = request(TestPki.AGENCY, HEADER + "c1,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n");
        String stem = "crash" + NAMES.incrementAndGet();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        byte[] earlier = CmsFiles.protect("request_id,status\nc1,FOUND\n".getBytes(StandardCharsets.UTF_8),
                key(Identities.GATEWAY), cert(Identities.GATEWAY), cert(TestPki.AGENCY));
        Files.write(folder("suido").resolve("outbox").resolve(stem + ".res.p7m.part"), earlier);
        try (Connection c = gw.gateway.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO agency.request (agency, file_name, digest, state, "
                     + "answer_file, answer_code) VALUES ('suido', ?, ?, 'ANSWERED', ?, 'A000')")) {
            ps.setString(1, stem + ".req.p7m");
            ps.setString(2, digest);
            ps.setString(3, stem + ".res.p7m");
            ps.executeUpdate();
        }

        // sweeps meanwhile (every 300 ms) must not take the unpublished answer for one the agency collected
        Thread.sleep(1000);
        assertThat(gw.queryString("SELECT (collected_at IS NULL AND erased_at IS NULL)::text FROM agency.request "
                + "WHERE file_name = ?", stem + ".req.p7m")).isEqualTo("true");

        Path part = folder("suido").resolve("inbox").resolve(stem + ".req.p7m.part");
        Files.write(part, file);
        Files.move(part, folder("suido").resolve("inbox").resolve(stem + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);

        assertRequestGone("suido", stem);
        // the answer committed before the crash, not a second one
        assertThat(Files.readAllBytes(folder("suido").resolve("outbox").resolve(stem + ".res.p7m"))).isEqualTo(earlier);
        assertThat(gw.queryLong("SELECT count(*) FROM agency.provision p JOIN agency.request q ON q.id = p.request "
                + "WHERE q.file_name = ?", stem + ".req.p7m")).isZero();
        assertThat(gw.queryString("SELECT state FROM agency.request WHERE file_name = ?", stem + ".req.p7m")).isEqualTo("DONE");
    }

    @Test
    void nothingIsEverLeftInPlainInTheDropFolders() throws Exception {
        String stem = drop("suido", request(TestPki.AGENCY, HEADER + "p1,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n"));
        answer("suido", stem);

        List<String> plain = new ArrayList<>();
        try (Stream<Path> files = Files.walk(gw.data.resolve("sftp"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                if (text.contains(residentCode) || text.contains("水道") || text.contains("request_id")) {
                    plain.add(f.toString());
                }
            }
        }
        // only the test's own deliberately plain file (aFileThatIsNotCmsIsRefused) may have been there, and it was removed
        assertThat(plain).isEmpty();
    }
}
