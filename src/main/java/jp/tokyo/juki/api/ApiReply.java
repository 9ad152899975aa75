package jp.tokyo.juki.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of the operator API: JSON, UTF-8, with the security headers ({@link ApiHeaders}).
 * A refusal is {@code {"code": …, "reason": …}} with its HTTP status; neither ever quotes what the
 * caller sent (it may be personal data).
 */
public final class ApiReply {
    /** The API's JSON (times are written as ISO text by the action beans: no java.time module here). */
    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    /** Exchange property: the refusal code of a refused request (for the access log). */
    public static final String CODE = "jukiApiCode";
    /** Exchange property: the {@link RefusalPage} of a console request (absent for the API: JSON). */
    public static final String PAGE = "jukiRefusalPage";

    private static final Logger LOG = LoggerFactory.getLogger(ApiReply.class);

    private ApiReply() {
    }

    /** 200 with {@code body} as JSON. */
    public static void ok(Exchange e, Object body) {
        json(e, 200, body);
    }

    /** A refusal: {@code status} (400, 401, 403, 404, 409, 503…) with a code and a reason; stops the route. */
    public static void refuse(Exchange e, int status, String code, String reason) {
        RefusalPage page = e.getProperty(PAGE, RefusalPage.class);
        e.setProperty(CODE, code);
        e.setRouteStop(true);
        if (page != null) {
            page.render(e, status, code, reason);
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("code", code);
        n.put("reason", reason);
        json(e, status, n);
    }

    /**
     * An action that failed on its way (database, broker): 500 {@code A500}, logged by the
     * exception's class only — its message may quote personal data.
     */
    public static void failed(Exchange e) {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warn("operator port: {} failed: {}", e.getProperty(ApiGate.PERMISSION, "LOGIN", String.class),
                cause == null ? "?" : cause.getClass().getSimpleName());
        refuse(e, 500, "A500", "the action failed inside the gateway; see the gateway log by time");
    }

    /** {@code body} as JSON with {@code status}. */
    public static void json(Exchange e, int status, Object body) {
        Message m = e.getMessage();
        try {
            m.setBody(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException ex) {
            m.setBody("{\"code\":\"A500\",\"reason\":\"the answer could not be written\"}".getBytes(StandardCharsets.UTF_8));
            status = 500;
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        ApiHeaders.secure(m);
    }

    /** A text member of a request body, or null. */
    public static String text(JsonNode body, String name) {
        JsonNode v = body == null ? null : body.get(name);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
