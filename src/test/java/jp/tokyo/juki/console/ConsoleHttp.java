package jp.tokyo.juki.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.api.ApiGate;
import jp.tokyo.juki.testkit.TestPki;

/**
 * The console as a plain HTTP client sees it, for the tests of what a browser does not show: one
 * operator's certificate, a session cookie set by hand (from an API login or a browser), GETs and
 * form POSTs with the headers given, no redirects followed.
 */
final class ConsoleHttp {
    private static final Pattern FORM = Pattern.compile("<form\\b[^>]*>.*?</form>", Pattern.DOTALL);

    private final HttpClient http;
    private final String origin;
    private String cookie;

    ConsoleHttp(String operatorId, String origin) throws Exception {
        this.http = HttpClient.newBuilder().sslContext(TestPki.operator(operatorId)).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        this.origin = origin;
    }

    /** Presents {@code token} as the session cookie from now on. */
    ConsoleHttp cookie(String token) {
        this.cookie = token;
        return this;
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(origin + path)).GET(), Map.of());
    }

    /** POSTs {@code fields} as a form (in their order), with {@code headers}. */
    HttpResponse<String> post(String path, Map<String, String> fields, Map<String, String> headers) throws Exception {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(HttpRequest.newBuilder(URI.create(origin + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), headers);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, Map<String, String> headers) throws Exception {
        b.timeout(Duration.ofSeconds(60));
        if (cookie != null) {
            b.header("Cookie", ApiGate.COOKIE + "=" + cookie);
        }
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every {@code <form>…</form>} of a page. */
    static List<String> forms(String html) {
        List<String> forms = new ArrayList<>();
        Matcher m = FORM.matcher(html);
        while (m.find()) {
            forms.add(m.group());
        }
        return forms;
    }

    /** A form's fields in order, from name=value pairs. */
    static Map<String, String> fields(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
