package jp.tokyo.juki.agency;

import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provision cross-check (突合) end to end, through the drop folder and CMS as an agency sees
 * it: a row asked by 住民票コード or My Number that also carries the name or the birth date is
 * answered only when they match the record (the one name rule: kana on its 清音化 form, kanji
 * without spaces), else {@code MISMATCH} with no item and the differing column named; each row is
 * a provision record either way.
 */
class AgencyCrossCheckIT {
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static RunningGateway gw;
    private static FrameClient chiyoda;
    private static String code;
    private static String myNumber;
    private static int names;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(false, Map.of("juki.agency.poll-ms", "200", "juki.agency.sweep-ms", "300"));
        chiyoda = gw.connect(CHIYODA);
        code = Messages.newJuminhyoCode();
        myNumber = Messages.newMyNumber();
        assertThat(chiyoda.send(update(CHIYODA, "MOVE_IN", Messages.person(CHIYODA, code, myNumber, "長谷川 学", "ハセガワ マナブ")))
                .get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, gw);
    }

    @Test
    void aRowByCodeIsAnsweredOnlyWhenItsNameAndBirthDateMatchAndEachRowIsAProvision() throws Exception {
        List<CSVRecord> rows = ask("suido", TestPki.AGENCY, HEADER
                + "same,SUIDO-FEE,JUMINHYO_CODE," + code + ",,ハセガワ マナブ,長谷川 学,1980-04-01,1,\n"
                + "born,SUIDO-FEE,JUMINHYO_CODE," + code + ",,ハセガワ マナブ,,1980-04-02,,\n"
                + "voicing,SUIDO-FEE,JUMINHYO_CODE," + code + ",,ハセカワ マナフ,,,,\n"
                + "spaces,SUIDO-FEE,JUMINHYO_CODE," + code + ",,,長谷川学,1980-04-01,,\n"
                + "plain,SUIDO-FEE,JUMINHYO_CODE," + code + ",,,,,,\n");

        assertThat(rows).extracting(r -> r.get("request_id") + "|" + r.get("status") + "|" + r.get("reason")).containsExactly(
                "same|FOUND|MOVE_IN",
                "born|MISMATCH|birth_date: does not match the record",
                "voicing|FOUND|MOVE_IN",
                "spaces|FOUND|MOVE_IN",
                "plain|FOUND|MOVE_IN");
        // a mismatch gives nothing of the person: no code, no name, no address
        CSVRecord born = rows.get(1);
        assertThat(born.get("juminhyo_code") + born.get("name_kanji") + born.get("name_kana") + born.get("address")
                + born.get("change_date")).isEmpty();
        assertThat(rows.get(2).get("name_kanji")).isEqualTo("長谷川 学");

        String provisions = gw.queryString("SELECT string_agg(concat_ws('|', row_ref, key_type, outcome, items::text, "
                + "coalesce(reason, '-'), (person IS NOT NULL)::text), E'\\n' ORDER BY line) FROM agency.provision p "
                + "JOIN agency.request q ON q.id = p.request WHERE q.agency = 'suido' AND q.file_name = ?", last() + ".req.p7m");
        String items = "{juminhyo_code,name_kanji,name_kana,address,reason,change_date}";
        assertThat(provisions).isEqualTo("same|JUMINHYO_CODE|FOUND|" + items + "|-|true\n"
                + "born|JUMINHYO_CODE|MISMATCH|{}|birth_date: does not match the record|true\n"
                + "voicing|JUMINHYO_CODE|FOUND|" + items + "|-|true\n"
                + "spaces|JUMINHYO_CODE|FOUND|" + items + "|-|true\n"
                + "plain|JUMINHYO_CODE|FOUND|" + items + "|-|true");
        // the mismatched row concerns the same person: a resident's disclosure shows that it was asked about
        assertThat(gw.queryLong("SELECT count(DISTINCT person) FROM agency.provision p JOIN agency.request q "
                + "ON q.id = p.request WHERE q.agency = 'suido' AND q.file_name = ?", last() + ".req.p7m")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'agency' "
                + "AND peer = 'agency-suido' AND detail = '5 rows: FOUND 4, MISMATCH 1'") == 1);
    }

    @Test
    void aRowByMyNumberWithAnotherKanjiNameIsAMismatchAndGetsNoMyNumber() throws Exception {
        List<CSVRecord> rows = ask("shuzei", TestPki.OTHER_AGENCY, HEADER
                + "mn-wrong,SHUZEI-TAX,MY_NUMBER,," + myNumber + ",,長谷部 学,,,\n"
                + "mn-right,SHUZEI-TAX,MY_NUMBER,," + myNumber + ",ハセガワ マナブ,,1980-04-01,,\n");

        assertThat(rows).extracting(r -> r.get("request_id") + "|" + r.get("status") + "|" + r.get("reason")).containsExactly(
                "mn-wrong|MISMATCH|name_kanji: does not match the record",
                "mn-right|FOUND|MOVE_IN");
        assertThat(rows.get(0).get("my_number") + rows.get(0).get("juminhyo_code") + rows.get(0).get("birth_date")).isEmpty();
        assertThat(rows.get(1).get("my_number")).isEqualTo(myNumber);
        assertThat(gw.queryString("SELECT string_agg(outcome, ',' ORDER BY line) FROM agency.provision p JOIN agency.request q "
                + "ON q.id = p.request WHERE q.agency = 'shuzei' AND q.file_name = ?", last() + ".req.p7m"))
                .isEqualTo("MISMATCH,FOUND");
    }

    // ------------------------------------------------------------------ the agency's side

    private static synchronized String last() {
        return "x" + names;
    }

    /** Uploads a request as the agency does (signed, encrypted, temporary name then final) and opens the answer. */
    private static List<CSVRecord> ask(String agency, String signer, String csv) throws Exception {
        String stem;
        synchronized (AgencyCrossCheckIT.class) {
            stem = "x" + (++names);
        }
        byte[] file = CmsFiles.protect(csv.getBytes(StandardCharsets.UTF_8), Pem.readPrivateKey(TestPki.dir().resolve(signer
                + ".key.pem")), Pem.readCertificate(TestPki.dir().resolve(signer + ".pem")),
                Pem.readCertificate(TestPki.dir().resolve(Identities.GATEWAY + ".pem")));
        Path folder = gw.data.resolve("sftp").resolve(agency);
        Path part = folder.resolve("inbox").resolve(stem + ".req.p7m.part");
        Files.write(part, file);
        Files.move(part, folder.resolve("inbox").resolve(stem + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        Path answer = folder.resolve("outbox").resolve(stem + ".res.p7m");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(answer));
        CmsFiles.Opened opened = CmsFiles.open(Files.readAllBytes(answer),
                Pem.readPrivateKey(TestPki.dir().resolve("agency-" + agency + ".key.pem")),
                Pem.readCertificate(TestPki.dir().resolve("agency-" + agency + ".pem")));
        assertThat(Identities.commonName(opened.signer())).isEqualTo(Identities.GATEWAY);
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(new String(opened.content(), StandardCharsets.UTF_8))).getRecords();
    }
}
