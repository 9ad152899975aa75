package jp.tokyo.juki.disclosure;

import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.Browser;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Disclosure end to end (R-DISC, R-AUD-PERSON) on a real gateway: a resident entered, moved and
 * renumbered (住民票コード change) by a CS, each change noticed to the national simulator, their
 * data provided to 水道局 and transferred to 主税局 through the real agency path, part of the audit
 * exported and trimmed into an archive; then a manager registers the resident's request, checks it
 * against the record and prints the form, whose text shows every provision, the changes, the
 * notices (the archived one too) and the former code, in 和暦. Also: a requester whose birth date
 * differs gets no form; the form register's life; correction requests decided by another manager;
 * roles; the CLI; the console; nothing personal in the log.
 */
class DisclosureIT {
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static final String KANJI = "開示 花子";
    private static final String KANA = "カイジ ハナコ";
    private static final String MOVED_TO = "東京都千代田区永田町１丁目７番１号";
    private static final Path FORMS = Path.of("docs/forms");
    private static final Path SHOTS = Path.of("docs/console");
    private static final AtomicLong NAMES = new AtomicLong();
    private static OperatorDesk desk;
    private static RunningGateway gw;
    private static FrameClient chiyoda;
    private static PersonHasher hasher;
    private static String formerCode;
    private static String code;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(true, Map.of("juki.audit.checkpoint-seconds", "1", "juki.agency.poll-ms", "200"));
        desk.issue("mgr1", Role.MANAGER).issue("mgr2", Role.MANAGER).issue("aud1", Role.AUDITOR)
                .issue("srch1", Role.SEARCHER);
        gw = desk.gw;
        hasher = PersonHasher.fromKeyFile(TestPki.dir().resolve("audit-hmac.key"));
        chiyoda = gw.connect(CHIYODA);
        formerCode = Messages.newJuminhyoCode();
        ObjectNode person = Messages.person(CHIYODA, formerCode, Messages.newMyNumber(), KANJI, KANA);
        person.put("sex", "2");
        ack(Messages.update(CHIYODA, "MOVE_IN", person));
        awaitNotices(formerCode, 1);
        // 水道局 is given the person under the former code
        answered("suido", TestPki.AGENCY, "d1,SUIDO-FEE,JUMINHYO_CODE," + formerCode + ",,,,,,\n");
        // that much of the audit goes to an archive and leaves the table (the MOVE_IN notice with it)
        Thread.sleep(2500);
        OperatorDesk.Api auditor = desk.login("aud1");
        OperatorDesk.Reply export = auditor.post("/api/audit/export", OperatorDesk.body().put("reason", "disclosure it"));
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        assertThat(auditor.post("/api/audit/trim", OperatorDesk.body().put("archive", export.json().path("name").asText()))
                .status()).isEqualTo(200);
        // a move, then a new 住民票コード
        person.with("address").put("text", MOVED_TO);
        ack(Messages.update(CHIYODA, "MOVE_WITHIN", person));
        code = Messages.newJuminhyoCode();
        ObjectNode renumbered = person.deepCopy().put("juminhyoCode", code);
        Request change = Messages.update(CHIYODA, "JUMINHYO_CODE_CHANGE", renumbered);
        ((ObjectNode) change.body()).put("formerJuminhyoCode", formerCode);
        ack(change);
        awaitNotices(code, 1);
        // 主税局 is given the person under the new code, by code and by the 4 items
        answered("shuzei", TestPki.OTHER_AGENCY, "d2,SHUZEI-TAX,JUMINHYO_CODE," + code + ",,,,,,\n"
                + "d3,SHUZEI-TAX,FOUR_INFO,,," + KANA + ",,1980-04-01,2,\n");
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, desk);
    }

    private static void ack(Request r) throws Exception {
        assertThat(chiyoda.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
    }

    private static void awaitNotices(String juminhyoCode, int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record WHERE line = "
                + "'national' AND msg_type = 'HONNIN_NOTICE' AND status = 'ACK' AND persons @> ARRAY[?]::text[]",
                hasher.hash(juminhyoCode)) >= n);
    }

    /** Drops a request file as the agency does and waits for its answer (every row recorded as a provision). */
    private static void answered(String agency, String identity, String rows) throws Exception {
        byte[] file = CmsFiles.protect((HEADER + rows).getBytes(StandardCharsets.UTF_8),
                Pem.readPrivateKey(TestPki.dir().resolve(identity + ".key.pem")),
                Pem.readCertificate(TestPki.dir().resolve(identity + ".pem")),
                Pem.readCertificate(TestPki.dir().resolve(Identities.GATEWAY + ".pem")));
        String stem = "disc" + NAMES.incrementAndGet();
        Path folder = gw.data.resolve("sftp").resolve(agency);
        Path part = folder.resolve("inbox").resolve(stem + ".req.p7m.part");
        Files.write(part, file);
        Files.move(part, folder.resolve("inbox").resolve(stem + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folder.resolve("outbox").resolve(stem + ".res.p7m")));
    }

    private static ObjectNode requester(String birthDate, String statedCode) {
        ObjectNode b = OperatorDesk.body().put("store", "HONNIN").put("nameKana", KANA).put("nameKanji", "開示花子")
                .put("birthDate", birthDate).put("sex", "2").put("address", MOVED_TO).put("identityDocument", "DRIVERS_LICENSE");
        return statedCode == null ? b : b.put("juminhyoCode", statedCode);
    }

    /** A request registered and checked by {@code api}; its number. */
    private static String checked(OperatorDesk.Api api, ObjectNode requester, String expected) throws Exception {
        OperatorDesk.Reply reg = api.post("/api/disclosures/register", requester);
        assertThat(reg.status()).as(reg.body()).isEqualTo(200);
        String number = reg.json().path("number").asText();
        assertThat(number).matches("K-\\d{4}-\\d{6}");
        assertThat(reg.json().path("status").asText()).isEqualTo("REGISTERED");
        OperatorDesk.Reply check = api.post("/api/disclosures/check", OperatorDesk.body().put("request", number));
        assertThat(check.status()).as(check.body()).isEqualTo(200);
        assertThat(check.json().path("status").asText()).isEqualTo(expected);
        return number;
    }

    private static String audit(String type, String operatorLike) throws Exception {
        return gw.queryString("SELECT string_agg(concat_ws('|', status, coalesce(code, ''), operator_id, terminal_id, detail), E'\\n' "
                + "ORDER BY seq) FROM audit.record WHERE msg_type = ? AND operator_id LIKE ?", type, operatorLike);
    }

    @Test
    void theFormShowsTheRecordItsChangesEveryNoticeAndEveryProvisionAlsoArchivedAndUnderTheFormerCode() throws Exception {
        OperatorDesk.Api manager = desk.login("mgr1");
        String number = checked(manager, requester("1980-04-01", null), "MATCHED");
        // of the former code's notices only the move's is still in the table: the archive holds the entry's
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'HONNIN_NOTICE' AND persons @> ARRAY[?]::text[]",
                hasher.hash(formerCode))).isEqualTo(1);

        OperatorDesk.Reply form = manager.post("/api/disclosures/form", OperatorDesk.body().put("request", number));

        assertThat(form.status()).as(form.body()).isEqualTo(200);
        String formNumber = form.json().path("form").asText();
        assertThat(formNumber).matches("D-\\d{4}-\\d{6}");
        byte[] pdf = Base64.getDecoder().decode(form.json().path("pdf").asText());
        String text;
        try (PDDocument d = Loader.loadPDF(pdf)) {
            assertThat(d.getNumberOfPages()).isEqualTo(form.json().path("pages").asInt());
            text = new PDFTextStripper().getText(d);
        }
        String flat = text.replaceAll("\\s+", "");
        // every provision and transfer: agency, business, legal basis
        assertThat(flat).contains("水道局", "水道料金の徴収に関する事務", "都条例別表第2(東京都給水条例による料金の徴収)");
        assertThat(flat).contains("主税局", "都税の賦課徴収に関する事務", "住基法別表第6第5号(地方税法);番号法別表第16号");
        assertThat(occurrences(flat, "主税局")).as("two rows to 主税局").isGreaterThanOrEqualTo(2);
        assertThat(flat).contains("移転", "提供");
        // the record, its changes and the former code
        assertThat(flat).contains(code, formerCode, "開示花子", "転入", "転居", "住民票コードの変更", "永田町");
        // the notices: MOVE_IN (archived), MOVE_WITHIN and the code change
        assertThat(occurrences(flat, "本人確認情報の通知")).isGreaterThanOrEqualTo(3);
        // 和暦
        assertThat(flat).containsPattern("令和\\d+年\\d+月\\d+日").contains("昭和55年4月1日");
        renderPages(pdf);

        assertThat(audit("DISCLOSURE_FORM", "mgr1")).contains("ANSWERED||mgr1|ws-01|printed " + formNumber + " for " + number);
        assertThat(gw.queryString("SELECT persons[1] FROM audit.record WHERE msg_type = 'DISCLOSURE_FORM' AND detail LIKE ?",
                "printed " + formNumber + "%")).isEqualTo(hasher.hash(code));
        assertThat(audit("DISCLOSURE_REQUEST", "mgr1")).contains("ALLOWED||mgr1|ws-01|checked " + number + ": MATCHED")
                .doesNotContain(KANJI, KANA, "開示花子", code);
        // a reprint is a new form
        OperatorDesk.Reply again = manager.post("/api/disclosures/form", OperatorDesk.body().put("request", number));
        assertThat(again.json().path("form").asText()).isNotEqualTo(formNumber);
    }

    private static int occurrences(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }

    /** Each page as docs/forms/disclosure-<n>.png (pdftoppm, 80 dpi), for a reader to see the form. */
    private static void renderPages(byte[] pdf) throws Exception {
        Path dir = Files.createTempDirectory("juki-form");
        Path file = dir.resolve("form.pdf");
        Files.write(file, pdf);
        Process p = new ProcessBuilder("pdftoppm", "-png", "-r", "80", file.toString(), dir.resolve("page").toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        Files.createDirectories(FORMS);
        try (Stream<Path> old = Files.list(FORMS)) {
            for (Path o : old.filter(f -> f.getFileName().toString().startsWith("disclosure-")).toList()) {
                Files.delete(o);
            }
        }
        List<Path> pages;
        try (Stream<Path> s = Files.list(dir)) {
            pages = new ArrayList<>(s.filter(f -> f.getFileName().toString().startsWith("page")).sorted().toList());
        }
        assertThat(pages).isNotEmpty();
        for (int i = 0; i < pages.size(); i++) {
            Files.move(pages.get(i), FORMS.resolve("disclosure-" + (i + 1) + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.delete(file);
        Files.delete(dir);
    }

    @Test
    void aRequesterWhoseBirthDateDiffersIsAMismatchAndGetsNoForm() throws Exception {
        OperatorDesk.Api manager = desk.login("mgr1");
        String number = checked(manager, requester("1980-04-02", code), "MISMATCH");

        OperatorDesk.Reply form = manager.post("/api/disclosures/form", OperatorDesk.body().put("request", number));

        assertThat(form.status()).isEqualTo(409);
        assertThat(form.code()).isEqualTo("J409");
        assertThat(gw.queryLong("SELECT count(*) FROM disclosure.form WHERE request = ?", number)).isZero();
        // the mismatch is recorded against the person whose code was stated
        assertThat(gw.queryString("SELECT status || '|' || persons[1] FROM audit.record WHERE msg_type = 'DISCLOSURE_REQUEST' "
                + "AND detail = ?", "checked " + number + ": MISMATCH")).isEqualTo("REFUSED|" + hasher.hash(code));
        // without a code, nobody has those items
        checked(manager, requester("1980-04-02", null), "NOT_FOUND");
    }

    @Test
    void theFormRegisterShowsAFormPrintedHandedOverAndDestroyedAndAnAuditorOnlyReadsIt() throws Exception {
        OperatorDesk.Api manager = desk.login("mgr2");
        String number = checked(manager, requester("1980-04-01", code), "MATCHED");
        String form = manager.post("/api/disclosures/form", OperatorDesk.body().put("request", number)).json().path("form").asText();
        OperatorDesk.Api auditor = desk.login("aud1");

        JsonNode listed = entry(auditor, number);
        assertThat(listed.path("printedBy").asText()).isEqualTo("mgr2");
        assertThat(listed.path("handedOverAt").isNull()).isTrue();
        OperatorDesk.Reply byAuditor = auditor.post("/api/forms/handed-over", OperatorDesk.body().put("form", form));
        assertThat(byAuditor.status()).isEqualTo(403);
        assertThat(byAuditor.code()).isEqualTo("J403");

        assertThat(manager.post("/api/forms/handed-over", OperatorDesk.body().put("form", form)).status()).isEqualTo(200);
        assertThat(manager.post("/api/forms/handed-over", OperatorDesk.body().put("form", form)).code()).isEqualTo("J409");
        assertThat(manager.post("/api/forms/destroyed", OperatorDesk.body().put("form", form)).code()).isEqualTo("J400");
        assertThat(manager.post("/api/forms/destroyed", OperatorDesk.body().put("form", form)
                .put("reason", "保存期間経過")).status()).isEqualTo(200);

        JsonNode done = entry(auditor, number);
        assertThat(done.path("handedOverBy").asText()).isEqualTo("mgr2");
        assertThat(done.path("destroyedBy").asText()).isEqualTo("mgr2");
        assertThat(done.path("destroyReason").asText()).isEqualTo("保存期間経過");
        assertThat(audit("DISCLOSURE_FORM", "mgr2")).contains("ANSWERED||mgr2|ws-01|printed " + form,
                "COLLECTED||mgr2|ws-01|handed over " + form, "ERASED||mgr2|ws-01|destroyed " + form);
    }

    private static JsonNode entry(OperatorDesk.Api api, String request) throws Exception {
        OperatorDesk.Reply list = api.post("/api/forms/list", OperatorDesk.body().put("request", request));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("forms")).hasSize(1);
        return list.json().path("forms").get(0);
    }

    @Test
    void aCorrectionIsDecidedByAnotherManagerThanTheOneWhoRegisteredItAndEveryStepIsAudited() throws Exception {
        OperatorDesk.Api a = desk.login("mgr1");
        OperatorDesk.Api b = desk.login("mgr2");
        String number = checked(a, requester("1980-04-01", null), "MATCHED");
        String asked = "ふりがなの誤りの訂正を求める";
        OperatorDesk.Reply reg = a.post("/api/corrections/register", OperatorDesk.body().put("request", number)
                .put("kind", "CORRECTION").put("asked", asked));
        assertThat(reg.status()).as(reg.body()).isEqualTo(200);
        String c = reg.json().path("number").asText();
        assertThat(c).matches("C-\\d{4}-\\d{6}");
        assertThat(reg.json().path("status").asText()).isEqualTo("RECEIVED");

        OperatorDesk.Reply own = a.post("/api/corrections/decide", OperatorDesk.body().put("correction", c).put("status", "ACCEPTED"));
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.code()).isEqualTo("J403");
        assertThat(a.post("/api/corrections/decide", OperatorDesk.body().put("correction", c).put("status", "FORWARDED"))
                .json().path("status").asText()).isEqualTo("FORWARDED");
        assertThat(b.post("/api/corrections/decide", OperatorDesk.body().put("correction", c).put("status", "REJECTED"))
                .code()).as("a rejection needs its reason").isEqualTo("J400");
        OperatorDesk.Reply decided = b.post("/api/corrections/decide", OperatorDesk.body().put("correction", c)
                .put("status", "ACCEPTED").put("reason", "市区町村で訂正済み"));
        assertThat(decided.status()).as(decided.body()).isEqualTo(200);
        assertThat(decided.json().path("decidedBy").asText()).isEqualTo("mgr2");
        assertThat(b.post("/api/corrections/decide", OperatorDesk.body().put("correction", c).put("status", "REJECTED")
                .put("reason", "x")).code()).as("closed").isEqualTo("J409");
        // a stop-of-use request on a request that did not match is refused
        String mismatch = checked(a, requester("1999-01-01", code), "MISMATCH");
        assertThat(a.post("/api/corrections/register", OperatorDesk.body().put("request", mismatch).put("kind", "STOP_USE")
                .put("asked", "利用停止")).code()).isEqualTo("J409");

        String trail = gw.queryString("SELECT string_agg(concat_ws('|', status, coalesce(code, ''), operator_id, persons[1], detail), E'\\n' "
                + "ORDER BY seq) FROM audit.record WHERE msg_type = 'CORRECTION_REQUEST' AND detail LIKE ?", "%" + c + "%");
        String person = hasher.hash(code);
        assertThat(trail).contains("ASKED||mgr1|" + person + "|registered " + c + " (CORRECTION) on " + number,
                "REFUSED|J403|mgr1|" + person + "|the decision on " + c, "WAITING||mgr1|" + person + "|" + c
                        + " RECEIVED -> FORWARDED", "APPROVED||mgr2|" + person + "|" + c + " FORWARDED -> ACCEPTED")
                .doesNotContain(asked);
        JsonNode listed = b.post("/api/corrections/list", OperatorDesk.body()).json().path("corrections");
        assertThat(listed.findValuesAsText("number")).contains(c);
    }

    @Test
    void eachActionIsRefusedToARoleItIsNotFor() throws Exception {
        OperatorDesk.Api searcher = desk.login("srch1");
        OperatorDesk.Api auditor = desk.login("aud1");
        for (String path : List.of("/api/disclosures/register", "/api/disclosures/check", "/api/disclosures/list",
                "/api/disclosures/form", "/api/forms/list", "/api/forms/handed-over", "/api/forms/destroyed",
                "/api/corrections/register", "/api/corrections/list", "/api/corrections/decide")) {
            OperatorDesk.Reply r = searcher.post(path, OperatorDesk.body().put("reason", "it"));
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.code()).as(path).isEqualTo("P403");
        }
        for (String path : List.of("/api/disclosures/list", "/api/corrections/list")) {
            assertThat(auditor.post(path, OperatorDesk.body().put("reason", "it")).code()).as(path).isEqualTo("P403");
        }
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND operator_id = 'srch1' "
                + "AND code = 'P403'")).isGreaterThanOrEqualTo(10);
    }

    @Test
    void theCliRegistersChecksAndWritesTheFormToAFileOnlyItsOwnerReads() throws Exception {
        Path dir = Files.createTempDirectory("juki-cli");
        Path items = dir.resolve("requester.json");
        Files.writeString(items, requester("1980-04-01", null).toString());
        OperatorDesk.Run reg = desk.cli("mgr1", "disclosure", "register", "--from", items.toString());
        assertThat(reg.exit()).as(reg.err()).isZero();
        String number = reg.out().split(" ")[0];
        OperatorDesk.Run check = desk.cli("mgr1", "disclosure", "check", number);
        assertThat(check.out()).contains(number + " MATCHED");
        Path pdf = dir.resolve("form.pdf");

        OperatorDesk.Run form = desk.cli("mgr1", "disclosure", "form", number, "--out", pdf.toString());

        assertThat(form.exit()).as(form.err()).isZero();
        assertThat(form.out()).contains("written to " + pdf);
        assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes(StandardCharsets.US_ASCII));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pdf))).isEqualTo("rw-------");
        assertThat(desk.cli("mgr1", "disclosure", "form", number, "--out", pdf.toString()).exit()).as("never overwritten")
                .isEqualTo(1);
        OperatorDesk.Run list = desk.cli("aud1", "forms", "list", "--request", number);
        assertThat(list.out()).contains("1 form(s)", number, "not handed over");
        OperatorDesk.Run refused = desk.cli("aud1", "forms", "handed-over", form.out().split(" ")[1]);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("J403");
        assertThat(desk.cli("srch1", "disclosure", "list").err()).contains("P403");
        for (Path f : List.of(pdf, items)) {
            Files.delete(f);
        }
        Files.delete(dir);
    }

    @Test
    void theConsoleLeadsFromTheRequestToTheFormDownloadAndToTheCorrections() throws Exception {
        Browser.assumeAvailable();
        try (Browser manager = Browser.as(Identities.operator("mgr1"), desk.origin())) {
            WebDriver d = manager.get("/console/login");
            d.findElement(By.id("terminal")).sendKeys(OperatorDesk.TERMINAL);
            d.findElement(By.id("password")).sendKeys(OperatorDesk.PASSWORD);
            d.findElement(By.cssSelector("#login button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("roles")).size() == 1);

            manager.get("/console/disclosures");
            d.findElement(By.id("nameKana")).sendKeys(KANA);
            d.findElement(By.id("nameKanji")).sendKeys(KANJI);
            d.findElement(By.id("birthDate")).sendKeys("1980-04-01");
            d.findElement(By.id("sex")).sendKeys("2");
            d.findElement(By.id("address")).sendKeys(MOVED_TO);
            d.findElement(By.id("register")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> d.findElements(By.id("done")).size() == 1);
            String number = d.findElement(By.id("done")).getText().replaceAll(".*(K-\\d{4}-\\d{6}).*", "$1");
            d.findElement(By.id("check-" + number)).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> d.findElements(By.id("form-" + number)).size() == 1);
            assertThat(d.getPageSource()).doesNotContain(KANA, "永田町");
            assertThat(d.findElement(By.id("requests")).getText()).contains(number, "一致", "帳票を作成");
            ((JavascriptExecutor) d).executeScript("document.getElementById('requests').scrollIntoView()");
            manager.screenshot(SHOTS.resolve("disclosures.png"));
            // the button prints the form (a download) and enters it in the register
            d.findElement(By.id("form-" + number)).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM disclosure.form WHERE request = ?",
                    number) == 1);
            manager.get("/console/forms");
            assertThat(d.findElement(By.id("forms")).getText()).contains(number, "mgr1");

            manager.get("/console/corrections");
            d.findElement(By.id("request")).sendKeys(number);
            d.findElement(By.id("asked")).sendKeys("住所の表記の訂正");
            d.findElement(By.id("register")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> d.findElements(By.id("corrections")).size() == 1);
            assertThat(d.findElement(By.id("corrections")).getText()).contains(number, "住所の表記の訂正");
            manager.screenshot(SHOTS.resolve("corrections.png"));
        }
    }

    @Test
    void nothingPersonalReachesTheLog() throws Exception {
        OperatorDesk.Api manager = desk.login("mgr1");
        String number = checked(manager, requester("1980-04-01", null), "MATCHED");
        // the PDF itself, as a download
        OperatorDesk.Reply form = manager.post("/api/disclosures/form", "{\"request\":\"" + number + "\"}", "application/json",
                Map.of("Accept", "application/pdf"));
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(form.headers().firstValue("Content-Disposition").orElseThrow()).matches("attachment; filename=\"D-\\d{4}-\\d{6}\\.pdf\"");
        assertThat(form.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(form.body()).startsWith("%PDF");
        String log = Files.readString(Path.of("target/test-logs/tests.log"), StandardCharsets.UTF_8);
        assertThat(log).doesNotContain(KANJI, KANA, "開示花子", MOVED_TO, code, formerCode, "%PDF");
    }
}
