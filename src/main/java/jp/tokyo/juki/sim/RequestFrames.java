package jp.tokyo.juki.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.wire.Json;

/** The consistency simulator's request frames and their ids: one run's numbering, written straight to bytes. */
final class RequestFrames {
    private final String sender;
    private final String runId;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    RequestFrames(String sender, String runId) {
        this.sender = sender;
        this.runId = runId;
    }

    interface BodyWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /** One request frame, written straight to bytes: a million records are not built as JSON trees. */
    byte[] frame(String id, String type, BodyWriter body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(type.equals("CONSISTENCY_RECORDS") ? 512 * 1024 : 1024);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", 1);
            g.writeStringField("id", id);
            g.writeStringField("type", type);
            g.writeStringField("sender", sender);
            g.writeNumberField("seq", seq.incrementAndGet());
            g.writeStringField("sentAt", OffsetDateTime.now(ZoneOffset.ofHours(9)).toString());
            g.writeObjectFieldStart("body");
            body.write(g);
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    String id(String suffix) {
        return "cc-" + runId + "-" + suffix + "-" + ids.incrementAndGet();
    }
}
