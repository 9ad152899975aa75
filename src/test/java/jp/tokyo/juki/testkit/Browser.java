package jp.tokyo.juki.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import jp.tokyo.juki.security.Pem;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by Selenium)
 * that presents one client certificate to one HTTPS origin, for the console tests.
 *
 * <p>Each browser has its own temporary {@code HOME}: Chromium on Linux takes client certificates
 * and extra trust anchors from the NSS database {@code $HOME/.pki/nssdb}, which is filled with
 * {@code certutil}/{@code pk12util} (libnss3-tools). The certificate is chosen without a dialog by
 * the {@code auto_select_certificate} content setting in the profile's {@code Preferences} (the
 * per-profile form of the {@code AutoSelectCertificateForUrls} policy): for the origin, the
 * certificate with this subject CN from this issuer. No root, no file outside the temporary
 * {@code HOME}, so browsers with different certificates run side by side: open one per identity.
 *
 * <p>The driver and the browser are pinned ({@code /usr/bin/chromedriver}, {@code /usr/bin/chromium};
 * system properties {@code juki.browser.chromedriver} and {@code juki.browser.chromium} override),
 * so Selenium Manager never looks for or downloads either. Without them the test is skipped,
 * unless {@code -Djuki.browser.required=true}: then it fails.
 */
public final class Browser implements AutoCloseable {
    /** When true, a missing browser or NSS tool fails the test instead of skipping it. */
    public static final String REQUIRED = "juki.browser.required";
    private static final Path CHROMIUM = Path.of(System.getProperty("juki.browser.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("juki.browser.chromedriver", "/usr/bin/chromedriver"));
    private static final List<String> NSS_TOOLS = List.of("certutil", "pk12util");
    private static final Duration PAGE_LOAD = Duration.ofSeconds(30);
    /** What a Chromium shows before it has loaded anything ({@code data:,} is ChromeDriver's start page). */
    private static final Set<String> START_PAGES = Set.of("data:,", "about:blank", "");

    private final String origin;
    private final Path home;
    private final ChromeDriver driver;

    private Browser(String origin, Path home, ChromeDriver driver) {
        this.origin = origin;
        this.home = home;
        this.driver = driver;
    }

    /** A browser presenting the test PKI's {@code identity} ({@code identity.p12}) to {@code origin}, trusting the test CA. */
    public static Browser as(String identity, String origin) throws Exception {
        Path pki = TestPki.dir();
        return open(origin, List.of(pki.resolve("ca.pem")), pki.resolve(identity + ".p12"), TestPki.PASSWORD);
    }

    /** A browser that trusts the test CA but holds no client certificate at all. */
    public static Browser withoutCertificate(String origin) throws Exception {
        return open(origin, List.of(TestPki.dir().resolve("ca.pem")), null, null);
    }

    /**
     * A browser that trusts every certificate of the PEM files {@code caFiles} as a TLS server CA
     * and, if {@code pkcs12} is not null, presents its key and certificate (protected by
     * {@code password}) to {@code origin} ({@code https://host:port}) without asking.
     */
    public static Browser open(String origin, List<Path> caFiles, Path pkcs12, char[] password) throws Exception {
        assumeAvailable();
        Path home = Files.createTempDirectory("juki-browser");
        try {
            Path nssdb = Files.createDirectories(home.resolve(".pki/nssdb"));
            String db = "sql:" + nssdb;
            run(home, "certutil", "-N", "--empty-password", "-d", db);
            int n = 0;
            for (Path caFile : caFiles) {
                for (X509Certificate ca : Pem.readCertificates(caFile)) {
                    Path pem = home.resolve("ca-" + ++n + ".pem");
                    Pem.writePem(pem, ca);
                    run(home, "certutil", "-A", "-d", db, "-n", "juki-ca-" + n, "-t", "C,,", "-i", pem.toString());
                }
            }
            Map<String, Object> prefs = new LinkedHashMap<>();
            prefs.put("intl", Map.of("accept_languages", "ja,en"));
            if (pkcs12 != null) {
                Path passwordFile = home.resolve("p12.password");
                Files.writeString(passwordFile, new String(password), StandardCharsets.UTF_8);
                run(home, "pk12util", "-i", pkcs12.toString(), "-d", db, "-w", passwordFile.toString());
                Files.delete(passwordFile);
                prefs.put("profile", Map.of("content_settings", Map.of("exceptions", Map.of("auto_select_certificate",
                        Map.of(origin + ",*", Map.of("setting", autoSelect(certificateOf(pkcs12, password))))))));
            }
            Path profile = Files.createDirectories(home.resolve("profile/Default"));
            Files.writeString(profile.resolve("Preferences"), new Json().toJson(prefs), StandardCharsets.UTF_8);
            return new Browser(origin, home, start(home));
        } catch (Exception | Error e) {
            delete(home);
            throw e;
        }
    }

    /** The origin this browser presents its certificate to. */
    public String origin() {
        return origin;
    }

    /** The temporary {@code HOME} (NSS database and profile); gone once closed. */
    Path home() {
        return home;
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Loads {@code path} (starting with {@code /}) of the origin and waits until the browser shows a
     * document of its own: left its blank start page and finished loading. ChromeDriver's {@code get}
     * can return while a fresh browser still shows its start page {@code data:,} (seen once in CI:
     * an empty title right after {@code get}); a person would wait for the page, and so does this.
     */
    public WebDriver get(String path) {
        driver.get(origin + path);
        try {
            new WebDriverWait(driver, PAGE_LOAD).until(d -> !START_PAGES.contains(d.getCurrentUrl())
                    && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        } catch (TimeoutException e) {
            throw new AssertionError("the browser still shows " + driver.getCurrentUrl() + " " + PAGE_LOAD.toSeconds()
                    + " s after it was asked for " + path, e);
        }
        return driver;
    }

    /** Writes what the browser shows now to {@code png} (directories created) and returns it. */
    public Path screenshot(Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
        return png;
    }

    /** Quits the browser and its driver, and removes the temporary {@code HOME} (NSS database, profile). */
    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            delete(home);
        }
    }

    private static ChromeDriver start(Path home) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", home.toString()))
                .withLogLevel(ChromiumDriverLogLevel.WARNING)
                .withLogOutput(System.err)
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--log-level=3",
                "--window-size=1280,900", "--user-data-dir=" + home.resolve("profile"));
        options.setPageLoadTimeout(PAGE_LOAD);
        return new ChromeDriver(service, options);
    }

    /** The value of one {@code auto_select_certificate} exception: this certificate's subject CN from its issuer's CN. */
    private static Map<String, Object> autoSelect(X509Certificate cert) {
        return Map.of("filters", List.of(Map.of(
                "SUBJECT", Map.of("CN", commonName(cert.getSubjectX500Principal())),
                "ISSUER", Map.of("CN", commonName(cert.getIssuerX500Principal())))));
    }

    private static X509Certificate certificateOf(Path pkcs12, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            ks.load(in, password);
        }
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                return (X509Certificate) ks.getCertificate(alias);
            }
        }
        throw new IOException(pkcs12 + " holds no key entry");
    }

    private static String commonName(X500Principal name) {
        try {
            for (Rdn rdn : new LdapName(name.getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("not a distinguished name: " + name, e);
        }
        throw new IllegalArgumentException("no CN in " + name);
    }

    /**
     * Skips the test (or, with {@link #REQUIRED}, fails it) when the browser, its driver or the NSS
     * tools are missing; every {@code open} calls it. A test class may call it first from
     * {@code @BeforeEach}, before it starts anything expensive (from {@code @BeforeAll}, failsafe 3.5.3
     * reports the class as 0 tests rather than skipped).
     */
    public static void assumeAvailable() {
        List<String> missing = new ArrayList<>();
        Stream.of(CHROMIUM, CHROMEDRIVER).filter(p -> !Files.isExecutable(p)).forEach(p -> missing.add(p.toString()));
        NSS_TOOLS.stream().filter(tool -> !onPath(tool)).forEach(missing::add);
        if (missing.isEmpty()) {
            return;
        }
        String why = "no " + String.join(", ", missing)
                + " (apt-get install chromium chromium-driver libnss3-tools fonts-noto-cjk; .ci/run does)";
        if (Boolean.getBoolean(REQUIRED)) {
            Assertions.fail(why + " but -D" + REQUIRED + "=true");
        }
        Assumptions.abort(why);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(cmd[0] + " " + cmd[1] + " failed: " + out.strip());
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
