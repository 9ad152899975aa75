package jp.tokyo.juki.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A reply envelope (PROTOCOL §2.3). {@code detail} never carries personal data: it names
 * items and rules only.
 *
 * @param inReplyTo the request id, or {@code null} when the request had no readable id
 */
public record Reply(String inReplyTo, Status status, ReplyCode code, String detail, JsonNode body) {

    public static Reply ack(String inReplyTo, String detail, JsonNode body) {
        return new Reply(inReplyTo, Status.ACK, ReplyCode.I000, detail, body);
    }

    public static Reply nack(String inReplyTo, ReplyCode code, String detail) {
        return new Reply(inReplyTo, Status.NACK, code, detail, Json.MAPPER.createObjectNode());
    }

    /** The same code and body as the first reply, status DUPLICATE. */
    public Reply asDuplicate() {
        return new Reply(inReplyTo, Status.DUPLICATE, code, "already accepted", body);
    }

    public byte[] toBytes() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("v", 1);
        if (inReplyTo == null) {
            node.putNull("inReplyTo");
        } else {
            node.put("inReplyTo", inReplyTo);
        }
        node.put("status", status.name());
        node.put("code", code.name());
        node.put("detail", detail);
        node.set("body", body == null ? Json.MAPPER.createObjectNode() : body);
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("reply not serialisable", e);
        }
    }

    /**
     * Reads a reply as a peer sends it, as strict UTF-8 like every received frame
     * ({@link Json#readFrame}); {@link IOException} when it is not UTF-8 JSON or not a reply
     * envelope.
     */
    public static Reply parse(byte[] bytes) throws IOException {
        JsonNode node = Json.readFrame(bytes);
        if (node == null || !node.isObject() || !node.path("status").isTextual() || !node.path("code").isTextual()) {
            throw new IOException("not a reply envelope");
        }
        try {
            return new Reply(node.path("inReplyTo").isTextual() ? node.get("inReplyTo").textValue() : null,
                    Status.valueOf(node.get("status").textValue()),
                    ReplyCode.valueOf(node.get("code").textValue()),
                    node.path("detail").asText(""),
                    node.has("body") ? node.get("body") : Json.MAPPER.createObjectNode());
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown status or code in reply");
        }
    }
}
