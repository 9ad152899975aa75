package jp.tokyo.juki.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import jp.tokyo.juki.wire.Json;

/** Reading the gateway's health JSON (/observe/health, /observe/health/ready with exposureLevel=full) in the ITs. */
public final class HealthText {
    private HealthText() {
    }

    /** The check named {@code id} in {@code body}; an AssertionError naming the body when there is none. */
    public static JsonNode check(String body, String id) throws IOException {
        for (JsonNode c : Json.MAPPER.readTree(body).path("checks")) {
            if (id.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + body);
    }
}
