package jp.tokyo.juki.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.operator.OperatorBootstrap;
import jp.tokyo.juki.operator.Operators;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.Identities;
import picocli.CommandLine;

/**
 * A running gateway with its operator port and operators to drive it, for the ITs of the operator
 * API, the CLI's operator commands and the console: the first administrator ({@link #ADMIN},
 * made as {@code operators bootstrap} makes it), more operators with the roles a test asks for
 * (each with a personal certificate {@code op-<ID>} of the test PKI and the password
 * {@link #PASSWORD}), HTTP clients with those certificates, and CLI runs logged in as one of them.
 * Argon2id runs with small memory so that the logins stay quick.
 */
public final class OperatorDesk implements AutoCloseable {
    public static final String ADMIN = "admin1";
    public static final String PASSWORD = "violet umbrella 74";
    public static final String TERMINAL = "ws-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final RunningGateway gw;
    private final Operators operators;
    private final Path passwordFile;

    private OperatorDesk(RunningGateway gw, Operators operators, Path passwordFile) {
        this.gw = gw;
        this.operators = operators;
        this.passwordFile = passwordFile;
    }

    /** A gateway (with a national simulator when asked) and its first administrator. */
    public static OperatorDesk start(boolean withNational, Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("juki.operator.argon2-memory-kib", "1024",
                "juki.operator.argon2-iterations", "1"));
        settings.putAll(extra);
        RunningGateway gw = RunningGateway.start(withNational, settings);
        try {
            Operators operators = Operators.create(gw.gateway.database().forRole(Operators.ROLE), Clock.systemUTC(),
                    gw.gateway.config());
            try (Connection owner = gw.gateway.database().dataSource().getConnection()) {
                OperatorBootstrap.run(owner, Clock.systemUTC(), operators.hasher(), operators.policy(), ADMIN, "管理 一郎",
                        TERMINAL, PASSWORD.toCharArray(), "it");
            }
            TestPki.operatorCertificate(ADMIN);
            Path pw = Files.createTempFile("juki-pw", ".txt", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pw, PASSWORD + "\n");
            return new OperatorDesk(gw, operators, pw);
        } catch (Exception e) {
            gw.close();
            throw e;
        }
    }

    /** Issues operator {@code id} with {@code roles} (by {@link #ADMIN}), terminal {@link #TERMINAL}, and its certificate. */
    public OperatorDesk issue(String id, Role... roles) throws Exception {
        operators.register().issue(ADMIN, id, "操作 " + id, roles.length == 0 ? Set.of() : EnumSet.of(roles[0], roles),
                Set.of(TERMINAL), PASSWORD.toCharArray());
        TestPki.operatorCertificate(id);
        return this;
    }

    /** The operator capability of the running gateway's database (for a test's own setup and checks). */
    public Operators operators() {
        return operators;
    }

    /** The PKCS#12 of {@code op-<id>} (password {@link TestPki#PASSWORD}). */
    public static Path p12(String id) throws Exception {
        return TestPki.dir().resolve(Identities.operator(id) + ".p12");
    }

    public String origin() {
        return "https://localhost:" + gw.operatorPort();
    }

    /** An HTTP client presenting {@code op-<id>}'s certificate, not logged in. */
    public Api as(String id) throws Exception {
        return new Api(TestPki.operator(id), origin());
    }

    /** An HTTP client presenting {@code op-<id>}'s certificate, logged in at {@link #TERMINAL}. */
    public Api login(String id) throws Exception {
        Api api = as(id);
        Reply r = api.login(PASSWORD, TERMINAL);
        if (r.status() != 200) {
            throw new AssertionError("login of " + id + " refused: " + r.status() + " " + r.body());
        }
        return api;
    }

    /** What a CLI run printed and returned. */
    public record Run(int exit, String out, String err) {
    }

    /** Runs {@code ./gateway args…} logged in as {@code id} (certificate, password file, terminal, this gateway's port). */
    public Run cli(String id, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--cert", p12(id).toString(), "--password-file", passwordFile.toString(), "--terminal", TERMINAL,
                "--api", origin(), "--set", "juki.keystores.dir=" + TestPki.dir()));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code ./gateway args…} as given. */
    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new GatewayCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** An answer of the operator port: status, body (JSON when it is), headers. */
    public record Reply(int status, JsonNode json, String body, HttpHeaders headers) {
        public String code() {
            return json == null ? null : json.path("code").asText(null);
        }
    }

    /** A client of the operator port with one certificate, and the session once logged in. */
    public static final class Api {
        private final HttpClient http;
        private final String origin;
        private String token;

        Api(SSLContext tls, String origin) {
            this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            this.origin = origin;
        }

        public Reply login(String password, String terminal) throws Exception {
            ObjectNode body = JSON.createObjectNode().put("password", password).put("terminal", terminal);
            Reply r = post("/api/session/login", body);
            if (r.status() == 200) {
                token = r.json().path("token").asText();
            }
            return r;
        }

        /** The session token (to replay it from another certificate). */
        public String token() {
            return token;
        }

        public Api token(String t) {
            this.token = t;
            return this;
        }

        public Reply post(String path, JsonNode body) throws Exception {
            return send(path, JSON.writeValueAsString(body), "application/json", Map.of());
        }

        public Reply post(String path, String rawBody, String contentType, Map<String, String> headers) throws Exception {
            return send(path, rawBody, contentType, headers);
        }

        private Reply send(String path, String body, String contentType, Map<String, String> headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            headers.forEach(b::header);
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), json, r.body(), r.headers());
        }
    }

    /** A JSON object for a request body. */
    public static ObjectNode body() {
        return JSON.createObjectNode();
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(passwordFile);
        } catch (Exception ignored) {
            // a temporary file
        }
        gw.close();
    }
}
