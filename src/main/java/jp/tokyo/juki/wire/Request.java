package jp.tokyo.juki.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request envelope (PROTOCOL §2.2). {@code type} is the wire name as sent; {@link #messageType()}
 * is its {@link MessageType}.
 *
 * @param operator {@code null} when absent (automated messages)
 * @param terminal {@code null} when absent
 */
public record Request(String id, String type, String sender, long seq, OffsetDateTime sentAt,
                      String operator, String terminal, JsonNode body) {

    public static final int VERSION = 1;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final List<String> MEMBER_ORDER = List.of("v", "id", "type", "sender", "seq", "sentAt", "operator",
            "terminal", "body");
    private static final Set<String> MEMBERS = Set.copyOf(MEMBER_ORDER);

    /** A request of a known type, for senders. */
    public Request(String id, MessageType type, String sender, long seq, OffsetDateTime sentAt, String operator,
                   String terminal, JsonNode body) {
        this(id, type.name(), sender, seq, sentAt, operator, terminal, body);
    }

    /** The type of this request, or null when its wire name is none of {@link MessageType}. */
    public MessageType messageType() {
        return MessageType.of(type);
    }

    /**
     * Reads and checks the envelope of one frame.
     *
     * @param knownTypes the message types this receiver serves; any other is {@code E102}
     */
    public static Request read(byte[] payload, Set<MessageType> knownTypes) throws WireRefusal {
        JsonNode node;
        try {
            node = Json.readFrame(payload);
        } catch (CharacterCodingException e) {
            throw new WireRefusal(ReplyCode.E100, "not UTF-8 (PROTOCOL §2.1: UTF-8 without BOM, no overlong forms or "
                    + "encoded surrogates)", null);
        } catch (IOException e) {
            throw new WireRefusal(ReplyCode.E100, "not UTF-8 JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw new WireRefusal(ReplyCode.E100, "frame must hold one JSON object", null);
        }
        JsonNode idNode = node.get("id");
        String id = idNode != null && idNode.isTextual() && ID.matcher(idNode.textValue()).matches()
                ? idNode.textValue() : null;
        JsonNode v = node.get("v");
        if (v == null || v.isNull()) {
            throw new WireRefusal(ReplyCode.E110, "v: required", id);
        }
        if (!v.isIntegralNumber() || v.asLong() != VERSION) {
            throw new WireRefusal(ReplyCode.E101, "v: this receiver speaks version 1", id);
        }
        int position = 0;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            position++;
            if (!MEMBERS.contains(it.next())) {
                // named by position: a member name is the peer's text and may be anything (R-SEC-PII)
                throw new WireRefusal(ReplyCode.E110, "envelope: member " + position + " unknown (allowed: "
                        + String.join(", ", MEMBER_ORDER) + ")", id);
            }
        }
        if (id == null) {
            throw new WireRefusal(ReplyCode.E110, idNode == null ? "id: required" : "id: 1-64 characters [A-Za-z0-9._:-]", null);
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new WireRefusal(ReplyCode.E110, "type: required string", id);
        }
        MessageType type = MessageType.of(typeNode.textValue());
        if (type == null || !knownTypes.contains(type)) {
            throw new WireRefusal(ReplyCode.E102, "type: not served on this line", id);
        }
        JsonNode senderNode = node.get("sender");
        if (senderNode == null || !senderNode.isTextual() || !senderNode.textValue().matches("\\d{6}")) {
            throw new WireRefusal(ReplyCode.E110, "sender: must be 6 digits", id);
        }
        String sender = senderNode.textValue();
        JsonNode seqNode = node.get("seq");
        if (seqNode == null || !seqNode.isIntegralNumber() || !seqNode.canConvertToLong() || seqNode.asLong() < 1) {
            throw new WireRefusal(ReplyCode.E110, "seq: must be an integer >= 1", id);
        }
        JsonNode sentAtNode = node.get("sentAt");
        OffsetDateTime sentAt;
        try {
            if (sentAtNode == null || !sentAtNode.isTextual()) {
                throw new WireRefusal(ReplyCode.E110, "sentAt: required ISO-8601 date-time with offset", id);
            }
            sentAt = OffsetDateTime.parse(sentAtNode.textValue());
        } catch (DateTimeParseException e) {
            throw new WireRefusal(ReplyCode.E110, "sentAt: must be an ISO-8601 date-time with offset", id);
        }
        String operator = optionalId(node, "operator", id);
        String terminal = optionalId(node, "terminal", id);
        JsonNode body = node.get("body");
        if (body == null || !body.isObject()) {
            throw new WireRefusal(ReplyCode.E110, "body: required object", id);
        }
        return new Request(id, typeNode.textValue(), sender, seqNode.asLong(), sentAt, operator, terminal, body);
    }

    private static String optionalId(JsonNode node, String member, String id) throws WireRefusal {
        JsonNode n = node.get(member);
        if (n == null) {
            return null;
        }
        if (!n.isTextual() || !ID.matcher(n.textValue()).matches()) {
            throw new WireRefusal(ReplyCode.E110, member + ": 1-64 characters [A-Za-z0-9._:-]", id);
        }
        return n.textValue();
    }

    /** The envelope as JSON, for senders. */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("v", VERSION);
        node.put("id", id);
        node.put("type", type);
        node.put("sender", sender);
        node.put("seq", seq);
        node.put("sentAt", sentAt.toString());
        if (operator != null) {
            node.put("operator", operator);
        }
        if (terminal != null) {
            node.put("terminal", terminal);
        }
        node.set("body", body);
        return node;
    }

    public byte[] toBytes() {
        try {
            return Json.MAPPER.writeValueAsBytes(toJson());
        } catch (IOException e) {
            throw new IllegalStateException("request not serialisable", e);
        }
    }
}
