package jp.tokyo.juki.api;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which headers cross the operator port, and the security headers of every answer. Outbound only
 * the headers named here are written (camel-netty-http's default strategy writes every message
 * header back, the request's {@code Cookie} and {@code Authorization} included, and drops
 * {@code Cache-Control}); inbound every header is read except Camel's own, which a client must not
 * be able to set.
 */
public final class ApiHeaders implements HeaderFilterStrategy {
    /** The security headers of every answer of the operator port (API and console). */
    public static final Map<String, String> SECURITY = Map.of(
            "Cache-Control", "no-store",
            "Pragma", "no-cache",
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            "Strict-Transport-Security", "max-age=63072000; includeSubDomains",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin",
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    private static final Set<String> OUT = Set.of("cache-control", "pragma", "content-security-policy",
            "strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy",
            "cross-origin-opener-policy", "cross-origin-resource-policy", "permissions-policy", "set-cookie", "location",
            "content-disposition", "www-authenticate", "retry-after", "content-type");

    /** Sets the security headers on {@code m} (the answer). */
    public static void secure(Message m) {
        SECURITY.forEach(m::setHeader);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        return !OUT.contains(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
        return name.regionMatches(true, 0, "Camel", 0, 5) || name.regionMatches(true, 0, "org.apache.camel", 0, 16);
    }
}
