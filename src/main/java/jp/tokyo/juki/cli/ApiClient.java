package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.KeyMaterial;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The CLI's side of the operator API: a TLS 1.3 connection with the operator's certificate, a
 * login with the password (the session token is kept in memory only), then POSTs of JSON bodies;
 * closing logs out. A refusal arrives as {@link Refused} with the API's code and reason.
 */
public final class ApiClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The API's refusal: its HTTP status, code and reason. */
    public static final class Refused extends Exception {
        private final int status;
        private final String code;

        Refused(int status, String code, String reason) {
            super(reason, null, false, false);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final HttpClient http;
    private final String base;
    private String token;
    private JsonNode session;

    private ApiClient(HttpClient http, String base) {
        this.http = http;
        this.base = base;
    }

    /** Connects and logs in as the operator of {@code login}'s certificate. */
    public static ApiClient login(OperatorLogin login) throws IOException, GeneralSecurityException, Refused {
        GatewayConfig cfg = login.gatewayConfig();
        char[] storePassword = System.getenv("JUKI_CERT_PASSWORD") != null ? System.getenv("JUKI_CERT_PASSWORD").toCharArray()
                : cfg.keystorePassword();
        ApiClient client = new ApiClient(HttpClient.newBuilder().sslContext(tls(login, cfg, storePassword))
                .connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build(), login.apiUrl(cfg));
        char[] password = login.password();
        try {
            ObjectNode body = JSON.createObjectNode();
            body.put("password", new String(password));
            body.put("terminal", login.terminalId());
            client.session = client.post("/api/session/login", body);
            client.token = client.session.path("token").asText(null);
        } finally {
            Arrays.fill(password, '\0');
        }
        return client;
    }

    private static SSLContext tls(OperatorLogin login, GatewayConfig cfg, char[] storePassword)
            throws IOException, GeneralSecurityException {
        KeyStore mine = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(login.cert)) {
            mine.load(in, storePassword);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(mine, storePassword);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        List<X509Certificate> cas = KeyMaterial.readCas(login.caFile(cfg));
        for (int i = 0; i < cas.size(); i++) {
            trusted.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** What an operator command does once logged in: its exit code. */
    @FunctionalInterface
    public interface Action {
        int run(ApiClient api, PrintWriter out) throws IOException, Refused;
    }

    /**
     * Logs in, runs {@code action}, logs out. A refusal prints {@code CODE: reason} and exits 1; an
     * API that cannot be reached (or a certificate that cannot be read) exits 2.
     */
    public static int run(CommandSpec spec, OperatorLogin login, Action action) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ApiClient api = login(login)) {
            int code = action.run(api, out);
            out.flush();
            return code;
        } catch (Refused r) {
            err.println(r.code() + ": " + r.getMessage());
            err.flush();
            return 1;
        } catch (IOException | GeneralSecurityException e) {
            err.println("the operator API could not be reached or used: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            err.flush();
            return 2;
        }
    }

    /** The login's answer: operator, displayName, roles, terminal. */
    public JsonNode session() {
        return session;
    }

    /** A new JSON object for a request body. */
    public static ObjectNode body() {
        return JSON.createObjectNode();
    }

    /** POSTs {@code body} to {@code path} (e.g. {@code /api/approvals/list}) and answers the JSON reply. */
    public JsonNode post(String path, JsonNode body) throws IOException, Refused {
        HttpResponse<byte[]> r = send(path, body);
        JsonNode answer = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new Refused(r.statusCode(), answer.path("code").asText("HTTP" + r.statusCode()),
                    answer.path("reason").asText("the operator API answered " + r.statusCode()));
        }
        return answer;
    }

    /** POSTs {@code body} and answers the raw reply bytes (a file download); refusals as {@link #post}. */
    public byte[] download(String path, JsonNode body) throws IOException, Refused {
        HttpResponse<byte[]> r = send(path, body);
        if (r.statusCode() != 200) {
            JsonNode answer = JSON.readTree(r.body());
            throw new Refused(r.statusCode(), answer.path("code").asText("HTTP" + r.statusCode()),
                    answer.path("reason").asText("the operator API answered " + r.statusCode()));
        }
        return r.body();
    }

    private HttpResponse<byte[]> send(String path, JsonNode body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Logs out (best effort). */
    @Override
    public void close() {
        if (token != null) {
            try {
                send("/api/session/logout", JSON.createObjectNode());
            } catch (IOException ignored) {
                // the session ends by itself after the idle time
            }
            token = null;
        }
    }
}
