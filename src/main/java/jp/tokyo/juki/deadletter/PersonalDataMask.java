package jp.tokyo.juki.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Masks a message's JSON content for an operator's eyes: every value becomes {@code ***} except
 * the items known to carry no personal data (origin, reason, dates of change, municipality codes,
 * the envelope of audit records). An allow-list rather than a deny-list, so an item added to a
 * message later is masked until someone decides otherwise.
 */
public final class PersonalDataMask {
    public static final String MASK = "***";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Items shown as they are (with everything below them). */
    private static final Set<String> SHOWN = Set.of(
            // notices (HONNIN_NOTICE, FUHYO_NOTICE): who sent the update, why and when, where
            "origin", "reason", "changeDate", "municipalityCode", "managingMunicipalityCode", "noticeKind",
            // audit records: their envelope; persons are keyed hashes already
            "eventId", "at", "line", "direction", "peer", "type", "messageId", "sender", "code", "detail", "persons");

    private PersonalDataMask() {
    }

    /** The masked form of {@code json}; a body that is not JSON is masked whole. */
    public static String mask(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null) {
                return MASK;
            }
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(masked(root));
        } catch (IOException e) {
            return MASK;
        }
    }

    private static JsonNode masked(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = MAPPER.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                out.set(f.getKey(), SHOWN.contains(f.getKey()) ? f.getValue() : masked(f.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = MAPPER.createArrayNode();
            node.forEach(n -> out.add(masked(n)));
            return out;
        }
        return node.isNull() ? node : TextNode.valueOf(MASK);
    }
}
