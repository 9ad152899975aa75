package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.NestedCms;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 review, finding 1: a 400 KB agency file whose ASN.1 nests 100,000 indefinite-length
 * SEQUENCEs deep — in the AuthEnvelopedData's recipientInfos, or inside the decrypted content
 * (anyone can encrypt to the gateway's certificate) — overflowed BouncyCastle's recursive parser.
 * The StackOverflowError left the agency's poll: no answer, no pause, retried every poll with a
 * stack trace of ~1,024 frames logged each time, and, files being taken oldest first, every later
 * request of that agency was never answered. Now the file is answered {@code A100} within
 * seconds, the agency's next request is answered, and the log holds no stack overflow.
 *
 * <p>With only the poll's last resort (CmsFiles unchanged) this test fails, as it should, and
 * shows that resort at work: three one-line errors at 0, 2 and 6 s, the file refused A100
 * ("3 attempts failed with an internal error") after 14 s, the next request answered meanwhile.
 */
class HostileAgencyFilesIT {
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static final int DEPTH = 100_000;
    private static final Path LOG = Path.of("target/test-logs/tests.log");
    private static final AtomicLong NAMES = new AtomicLong();
    private static RunningGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(true, Map.of("juki.agency.poll-ms", "200", "juki.agency.sweep-ms", "300"));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static PrivateKey key(String identity) throws Exception {
        return Pem.readPrivateKey(TestPki.dir().resolve(identity + ".key.pem"));
    }

    private static X509Certificate cert(String identity) throws Exception {
        return Pem.readCertificate(TestPki.dir().resolve(identity + ".pem"));
    }

    private static Path folder(String agency) {
        return gw.data.resolve("sftp").resolve(agency);
    }

    /** Uploads as an agency does (a temporary name, then the final one), dated {@code modified}. Returns the stem. */
    private static String drop(String agency, byte[] file, Instant modified) throws Exception {
        String stem = "h" + NAMES.incrementAndGet();
        Path part = folder(agency).resolve("inbox").resolve(stem + ".req.p7m.part");
        Files.write(part, file);
        Files.setLastModifiedTime(part, FileTime.from(modified));
        Files.move(part, folder(agency).resolve("inbox").resolve(stem + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        return stem;
    }

    /** The answer's kind (res or err) and its text as the agency opens it; waits at most {@code within}. */
    private static String[] answer(String agency, String stem, Duration within) throws Exception {
        Path outbox = folder(agency).resolve("outbox");
        await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(outbox.resolve(stem + ".res.p7m"))
                || Files.exists(outbox.resolve(stem + ".err.p7m")));
        String kind = Files.exists(outbox.resolve(stem + ".res.p7m")) ? "res" : "err";
        CmsFiles.Opened opened = CmsFiles.open(Files.readAllBytes(outbox.resolve(stem + "." + kind + ".p7m")),
                key("agency-" + agency), cert("agency-" + agency));
        return new String[]{kind, new String(opened.content(), StandardCharsets.UTF_8)};
    }

    private static long logSize() throws Exception {
        return Files.exists(LOG) ? Files.size(LOG) : 0;
    }

    private static String logSince(long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(LOG.toFile(), "r")) {
            byte[] b = new byte[(int) Math.max(0, f.length() - offset)];
            f.seek(offset);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDeeplyNestedFileIsRefusedAtOnceAndTheAgencysNextRequestIsAnswered() throws Exception {
        assertDeeplyNestedFileRefused("suido", NestedCms.nestedRecipientInfos(DEPTH),
                "A100: the file cannot be opened: not a CMS AuthEnvelopedData (RFC 5083) file");
    }

    @Test
    void aDeeplyNestedSignedDataInsideTheEncryptionIsRefusedAtOnceAndTheNextRequestIsAnswered() throws Exception {
        assertDeeplyNestedFileRefused("suido", NestedCms.nestedSignedDataCertificates(DEPTH, cert(Identities.GATEWAY)),
                "A100: the file cannot be opened: the decrypted content is not a CMS SignedData");
    }

    private void assertDeeplyNestedFileRefused(String agency, byte[] hostile, String expected) throws Exception {
        long logFrom = logSize();
        byte[] valid = CmsFiles.protect((HEADER + "r1,SUIDO-FEE,JUMINHYO_CODE,24727059608,,,,,,\n").getBytes(StandardCharsets.UTF_8),
                key(TestPki.AGENCY), cert(TestPki.AGENCY), cert(Identities.GATEWAY));
        Instant now = Instant.now();
        long t0 = System.nanoTime();
        // the hostile file is the older one: it is taken first
        String nested = drop(agency, hostile, now.minusSeconds(10));
        String next = drop(agency, valid, now.minusSeconds(5));

        String[] refused = answer(agency, nested, Duration.ofSeconds(15));
        long refusedMs = (System.nanoTime() - t0) / 1_000_000;
        String[] answered = answer(agency, next, Duration.ofSeconds(15));
        long answeredMs = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(1000); // polls go on: nothing more may be logged of the file
        String log = logSince(logFrom);
        long overflows = count(log, "StackOverflowError");
        long frames = count(log, "\tat org.bouncycastle");
        long lines = log.lines().filter(l -> l.contains("agency " + agency + ":")).count();
        System.out.printf("a %d-byte file nested %d deep: refused after %d ms, the agency's next request answered after"
                        + " %d ms; log: %d bytes, %d StackOverflowError, %d BouncyCastle frames, %d lines of agency %s%n",
                hostile.length, DEPTH, refusedMs, answeredMs, log.length(), overflows, frames, lines, agency);

        assertThat(refused[0]).as(refused[1]).isEqualTo("err");
        assertThat(refused[1]).isEqualTo(expected + "\n");
        assertThat(answered[0]).as(answered[1]).isEqualTo("res");
        assertThat(refusedMs).as("refused within seconds").isLessThan(10_000);
        assertThat(overflows).as("StackOverflowError in the log").isZero();
        assertThat(frames).as("stack frames in the log").isZero();
        assertThat(Files.exists(folder(agency).resolve("inbox").resolve(nested + ".req.p7m"))).isFalse();
        assertThat(gw.queryString("SELECT status || '/' || code || '/' || detail FROM audit.record WHERE line = 'agency' "
                + "AND msg_id = (SELECT 'AR-' || id FROM agency.request WHERE agency = ? AND file_name = ?)", agency,
                nested + ".req.p7m")).isEqualTo("REFUSED/" + expected.replace(": the file cannot be opened: ",
                "/the file cannot be opened: "));
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
