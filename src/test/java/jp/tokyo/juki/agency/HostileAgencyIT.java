package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.sim.AgencyAnswer;
import jp.tokyo.juki.sim.AgencyClient;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.Json;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 6 reproduced against a real gateway process (-Xmx1g, its embedded SFTP
 * server): six agencies upload a ~61 MB request each at the same moment — large, valid CMS files
 * (signed by the agency, encrypted to the gateway) holding the most rows a file may have without
 * a manager's approval (10,000), each row padded to ~6 KB. Before the fix every file was held
 * whole several times over (file, decrypted, verified content, text, rows): six at once looped in
 * OutOfMemoryError, every poll, nobody answered, health UP. Now every agency gets an answer (or
 * a coded refusal), no OutOfMemoryError is logged, and health stays truthful and ready. The
 * answer times and the child's heap (from its GC log) and RSS are printed.
 *
 * <p>Full scale, not scaled down: the six files are 6 × 61 MB; the test takes about two minutes.
 */
class HostileAgencyIT {
    private static final List<String> AGENCIES = List.of("suido", "shuzei", "shobo", "gesuido", "keishicho", "fukushi");
    private static final int ROWS = 10_000; // juki.agency.approval-rows: one more and the file waits for a manager
    private static final int PADDING = 6_070;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void sixAgenciesDroppingSixtyOneMegabyteRequestsAtOnceAreAllAnsweredWithoutOutOfMemory() throws Exception {
        Path pki = TestPki.dir();
        DevPki dev = new DevPki(pki, TestPki.PASSWORD);
        for (String agency : AGENCIES) {
            if (!Files.exists(pki.resolve("agency-" + agency + ".pem"))) {
                dev.issue("agency-" + agency, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
            }
        }
        Path files = Files.createTempDirectory("hostile-agency");
        long fileBytes = requests(pki, files);

        int sftpPort = Ports.free();
        int managementPort = Ports.free();
        try (GatewayChild gw = GatewayChild.start(Ports.free(), Map.of(
                "juki.sftp.port", Integer.toString(sftpPort),
                "camel.management.port", Integer.toString(managementPort),
                "juki.agency.poll-ms", "500"))) {
            AtomicBoolean sampling = new AtomicBoolean(true);
            AtomicLong notReady = new AtomicLong();
            AtomicLong samples = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        samples.incrementAndGet();
                        if (get(managementPort, "/observe/health/ready").statusCode() != 200) {
                            notReady.incrementAndGet();
                        }
                        Thread.sleep(1000);
                    } catch (Exception e) {
                        notReady.incrementAndGet();
                    }
                }
            }, "health-sampler");
            sampler.setDaemon(true);

            ExecutorService agencies = Executors.newFixedThreadPool(AGENCIES.size());
            CountDownLatch together = new CountDownLatch(AGENCIES.size());
            Map<String, CompletableFuture<AgencyAnswer>> answers = new LinkedHashMap<>();
            Map<String, Long> answeredAfterMs = new ConcurrentHashMap<>();
            AtomicLong allUploaded = new AtomicLong();
            CountDownLatch uploaded = new CountDownLatch(AGENCIES.size());
            for (String agency : AGENCIES) {
                answers.put(agency, CompletableFuture.supplyAsync(() -> {
                    try (AgencyClient client = AgencyClient.connect(new AgencyClient.Options("127.0.0.1", sftpPort, agency,
                            pki, null))) {
                        byte[] file = Files.readAllBytes(files.resolve(agency + ".req.p7m"));
                        together.countDown();
                        together.await();
                        client.upload("big-" + agency, file);
                        file = null;
                        uploaded.countDown();
                        uploaded.await();
                        allUploaded.compareAndSet(0, System.nanoTime());
                        AgencyAnswer a = client.awaitAnswer("big-" + agency, Duration.ofSeconds(150));
                        answeredAfterMs.put(agency, (System.nanoTime() - allUploaded.get()) / 1_000_000);
                        return a;
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, agencies));
            }
            uploaded.await(120, TimeUnit.SECONDS);
            sampler.start();
            Map<String, String> outcome = new LinkedHashMap<>();
            Map<String, AgencyAnswer> answered = new LinkedHashMap<>();
            for (Map.Entry<String, CompletableFuture<AgencyAnswer>> e : answers.entrySet()) {
                try {
                    AgencyAnswer a = e.getValue().get(180, TimeUnit.SECONDS);
                    answered.put(e.getKey(), a);
                    outcome.put(e.getKey(), a instanceof AgencyAnswer.Result r ? "answered: " + r.summary()
                            : "refused " + ((AgencyAnswer.FileError) a).reason());
                } catch (ExecutionException | TimeoutException x) {
                    outcome.put(e.getKey(), "no answer (" + (x.getCause() == null ? x : x.getCause()).getMessage() + ")");
                }
            }
            sampling.set(false);
            sampler.join(5000);
            agencies.shutdown();

            String log = Files.readString(gw.process().log());
            long[] rss = gw.process().memoryMiB();
            long[] heap = heapFromGcLog(gw.data.resolve("gateway").resolve("gc.log"));
            int healthStatus;
            String healthBody;
            try {
                HttpResponse<String> health = get(managementPort, "/observe/health/ready?exposureLevel=full&data=true");
                healthStatus = health.statusCode();
                healthBody = health.body();
            } catch (IOException e) {
                healthStatus = -1;
                healthBody = "{}";
            }
            JsonNode memory = check(healthBody, "juki-memory");
            System.out.printf("six agencies, one request of %.1f MB each (%d rows) at once, -Xmx1g:%n", fileBytes / 1e6, ROWS);
            answeredAfterMs.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e ->
                    System.out.printf("  %-9s answered %6.1f s after the uploads: %s%n", e.getKey(), e.getValue() / 1000.0,
                            outcome.get(e.getKey())));
            outcome.forEach((agency, o) -> {
                if (!answeredAfterMs.containsKey(agency)) {
                    System.out.printf("  %-9s %s%n", agency, o);
                }
            });
            System.out.printf("  child heap (GC log): peak before GC %d MiB, peak after GC %d MiB, committed %d MiB;"
                            + " RSS %d MiB, peak RSS %d MiB%n", heap[0], heap[1], heap[2], rss[0], rss[1]);
            System.out.printf("  readiness: %d of %d samples not ready; juki-memory %s %s; OutOfMemoryError in the log: %d%n",
                    notReady.get(), samples.get(), memory.path("status").asText(), memory.path("data"),
                    count(log, "OutOfMemoryError"));

            assertThat(count(log, "OutOfMemoryError")).as("OutOfMemoryError in the gateway's log").isZero();
            assertThat(answered).as("every agency answered: %s", outcome).hasSize(AGENCIES.size());
            for (Map.Entry<String, AgencyAnswer> e : answered.entrySet()) {
                AgencyAnswer a = e.getValue();
                if (a instanceof AgencyAnswer.Result r) {
                    assertThat(r.rows()).hasSize(ROWS);
                    assertThat(r.rows()).allSatisfy(row -> assertThat(row.reason())
                            .isEqualTo("address: longer than 1024 characters"));
                } else {
                    assertThat(((AgencyAnswer.FileError) a).code()).as("a coded refusal").matches("A1[0-9]0");
                }
            }
            assertThat(gw.queryLong("SELECT count(*) FROM agency.request WHERE state = 'DONE'")).isEqualTo(AGENCIES.size());
            assertThat(healthStatus).as(healthBody).isEqualTo(200);
            assertThat(memory.path("status").asText()).isEqualTo("UP");
            assertThat(memory.at("/data/out-of-memory-errors").asLong()).isZero();
            assertThat(notReady.get()).as("readiness samples that were not 200").isZero();
            assertThat(heap[1]).as("heap after GC, MiB").isLessThan(900);
        } finally {
            GatewayChild.deleteTree(files);
        }
    }

    /** Each agency's request: the same rows, signed by the agency and encrypted to the gateway. Returns a file's size. */
    private static long requests(Path pki, Path dir) throws Exception {
        StringBuilder csv = new StringBuilder(ROWS * (PADDING + 40));
        csv.append("request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,birth_date,sex,address\r\n");
        String padding = "X".repeat(PADDING);
        for (int i = 1; i <= ROWS; i++) {
            csv.append('p').append(i).append(",ANY,JUMINHYO_CODE,,,,,,,").append(padding).append("\r\n");
        }
        byte[] content = csv.toString().getBytes(StandardCharsets.UTF_8);
        csv = null;
        X509Certificate gateway = Pem.readCertificate(pki.resolve(Identities.GATEWAY + ".pem"));
        long size = 0;
        for (String agency : AGENCIES) {
            PrivateKey key = Pem.readPrivateKey(pki.resolve("agency-" + agency + ".key.pem"));
            X509Certificate cert = Pem.readCertificate(pki.resolve("agency-" + agency + ".pem"));
            Path file = dir.resolve(agency + ".req.p7m");
            Files.write(file, CmsFiles.protect(content, key, cert, gateway));
            size = Files.size(file);
        }
        return size;
    }

    /** From the child's GC log: the most heap in use before a collection, the most left after one, the most committed. */
    private static long[] heapFromGcLog(Path gcLog) throws Exception {
        Matcher m = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)").matcher(Files.readString(gcLog));
        long[] peak = new long[3];
        while (m.find()) {
            for (int i = 0; i < 3; i++) {
                peak[i] = Math.max(peak[i], Long.parseLong(m.group(i + 1)));
            }
        }
        return peak;
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode check(String body, String id) throws Exception {
        for (JsonNode c : Json.MAPPER.readTree(body).path("checks")) {
            if (id.equals(c.path("name").asText())) {
                return c;
            }
        }
        return MissingNode.getInstance(); // printed, then asserted UP
    }
}
