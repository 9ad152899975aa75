package jp.tokyo.juki.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import jp.tokyo.juki.platform.Jms;

/**
 * The audit queue's message format, both ends of it: the {@link AuditTap} writes events as JSON
 * arrays, the {@link AuditWriter} reads them back into {@link AuditEvent}s. An event's members are
 * its texts as they will be stored, so what the writer appends is what the tap was given.
 */
final class AuditMessages {
    /** Bytes per message ({@link Jms#MESSAGE_BYTES}); a transaction still carries a whole batch. */
    static final int MESSAGE_BYTES = Jms.MESSAGE_BYTES;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AuditMessages() {
    }

    /** The batch as JSON arrays of at most {@link #MESSAGE_BYTES} each (one event may exceed it alone). */
    static List<byte[]> write(List<AuditEvent> batch) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream(MESSAGE_BYTES + 1024);
        for (AuditEvent e : batch) {
            byte[] json = toJson(e);
            if (body.size() > 0 && body.size() + json.length + 2 > MESSAGE_BYTES) {
                body.write(']');
                out.add(body.toByteArray());
                body.reset();
            }
            body.write(body.size() == 0 ? '[' : ',');
            body.writeBytes(json);
        }
        if (body.size() > 0) {
            body.write(']');
            out.add(body.toByteArray());
        }
        return out;
    }

    private static byte[] toJson(AuditEvent e) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(512);
             JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("eventId", e.eventId().toString());
            g.writeStringField("at", e.at().toString());
            g.writeStringField("line", e.line());
            g.writeStringField("direction", e.direction());
            g.writeStringField("peer", e.peer());
            g.writeStringField("type", e.type());
            g.writeStringField("messageId", e.messageId());
            g.writeStringField("sender", e.sender());
            g.writeStringField("status", e.status());
            g.writeStringField("code", e.code());
            g.writeStringField("detail", e.detail());
            g.writeArrayFieldStart("persons");
            for (String p : e.persons()) {
                g.writeString(p);
            }
            g.writeEndArray();
            // most records have none of these: left out rather than written as null
            if (e.operator() != null) {
                g.writeStringField("operator", e.operator());
            }
            if (e.terminal() != null) {
                g.writeStringField("terminal", e.terminal());
            }
            if (e.reason() != null) {
                g.writeStringField("reason", e.reason());
            }
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** One event as queued: the array member as it came (kept for a record set aside) and the event it holds. */
    record Queued(JsonNode raw, AuditEvent event) {
    }

    /**
     * The events of one queued message, each with a readable event id and time, read once; an exception
     * (IOException, ClassCastException, IllegalArgumentException, DateTimeParseException) when the
     * message is not such a list.
     */
    static List<Queued> read(Message message) throws JMSException, IOException {
        JsonNode array;
        if (message instanceof BytesMessage bytes) {
            array = MAPPER.readTree(Jms.bytes(bytes));
        } else {
            // as queued by earlier versions
            array = MAPPER.readTree(((TextMessage) message).getText());
        }
        if (!array.isArray()) {
            throw new IOException("not an array");
        }
        List<Queued> events = new ArrayList<>(array.size());
        for (JsonNode e : array) {
            events.add(new Queued(e, event(e)));
        }
        return events;
    }

    /**
     * The event one array member holds, its texts as queued (a member absent, as queued by earlier versions: null);
     * IllegalArgumentException or DateTimeParseException when its event id or time is missing or not one.
     */
    static AuditEvent event(JsonNode e) {
        List<String> persons = new ArrayList<>();
        e.path("persons").forEach(p -> persons.add(p.asText()));
        return new AuditEvent(UUID.fromString(e.path("eventId").asText()),
                Instant.parse(e.path("at").asText()), text(e, "line"), text(e, "direction"), text(e, "peer"),
                text(e, "type"), text(e, "messageId"), text(e, "sender"), text(e, "status"), text(e, "code"),
                text(e, "detail"), persons, text(e, "operator"), text(e, "terminal"), text(e, "reason"));
    }

    private static String text(JsonNode e, String field) {
        JsonNode n = e.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
