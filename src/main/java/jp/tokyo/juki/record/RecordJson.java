package jp.tokyo.juki.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Writes records as PROTOCOL §3 JSON, the counterpart of {@link HonninUpdateReader} and
 * {@link FuhyoUpdateReader}: the members in the order of §3.1 and §3.2, optional members only when
 * present. Two forms of the one layout — a JSON tree ({@link #honnin}, {@link #fuhyo},
 * {@link #putFuhyo}) for bodies that are built and sent, and a generator ({@link #write}) for
 * streams of many records — that write the same bytes (RecordJsonTest). Plus the items of a
 * honnin record that a {@code HONNIN_NOTICE} carries ({@link #putNotified}).
 */
public final class RecordJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordJson() {
    }

    /** A honnin record (PROTOCOL §3.1). */
    public static ObjectNode honnin(HonninRecord r) {
        ObjectNode o = NODES.objectNode();
        o.put("juminhyoCode", r.juminhyoCode());
        putName(o, "name", r.name());
        o.put("birthDate", r.birthDate());
        o.put("sex", r.sex());
        Address a = r.address();
        ObjectNode address = o.putObject("address");
        address.put("text", a.text());
        address.put("gaijiCount", a.gaijiCount());
        address.put("gaijiChangeSeq", a.gaijiChangeSeq());
        address.put("municipalityCode", a.municipalityCode());
        address.put("azaCode", a.azaCode());
        o.put("myNumber", r.myNumber());
        o.put("retentionFlag", r.retentionFlag());
        o.put("gaijiFlag", r.gaijiFlag());
        if (r.formerSurname() != null) {
            putName(o, "formerSurname", r.formerSurname());
        }
        return o;
    }

    private static void putName(ObjectNode into, String field, Name n) {
        ObjectNode name = into.putObject(field);
        name.put("kanji", n.kanji());
        name.put("kana", n.kana());
        name.put("gaijiCount", n.gaijiCount());
        name.put("gaijiChangeSeq", n.gaijiChangeSeq());
    }

    /** A fuhyo record (PROTOCOL §3.2). */
    public static ObjectNode fuhyo(FuhyoRecord r) {
        return putFuhyo(NODES.objectNode(), r);
    }

    /** Adds the members of a fuhyo record to {@code into} (a notice body holds them beside its own) and returns it. */
    public static ObjectNode putFuhyo(ObjectNode into, FuhyoRecord r) {
        into.put("juminhyoCode", r.juminhyoCode());
        ObjectNode name = into.putObject("name");
        name.put("kanji", r.name().kanji());
        name.put("kana", r.name().kana());
        name.put("gaijiCount", r.name().gaijiCount());
        into.put("birthDate", r.birthDate());
        into.put("sex", r.sex());
        ObjectNode address = into.putObject("address");
        address.put("municipalityCode", r.address().municipalityCode());
        address.put("text", r.address().text());
        address.put("gaijiCount", r.address().gaijiCount());
        ObjectNode last = into.putObject("lastAddress");
        last.put("text", r.lastAddress().text());
        last.put("gaijiCount", r.lastAddress().gaijiCount());
        if (r.formerJuminhyoCode() != null) {
            into.put("formerJuminhyoCode", r.formerJuminhyoCode());
        }
        into.put("managingMunicipalityCode", r.managingMunicipalityCode());
        into.put("status", r.status());
        into.put("gaijiFlag", r.gaijiFlag());
        if (r.gaijiPattern() != null) {
            into.put("gaijiPattern", r.gaijiPattern());
        }
        into.put("noticeKind", r.noticeKind());
        return into;
    }

    /**
     * Adds what a {@code HONNIN_NOTICE} carries of a honnin record (PROTOCOL §3.1, SPEC R-UPD):
     * {@code juminhyoCode}, {@code name} {kanji, kana}, {@code birthDate}, {@code sex},
     * {@code address} {text, municipalityCode}, {@code myNumber} — nothing more.
     */
    public static void putNotified(ObjectNode into, HonninRecord r) {
        into.put("juminhyoCode", r.juminhyoCode());
        ObjectNode name = into.putObject("name");
        name.put("kanji", r.name().kanji());
        name.put("kana", r.name().kana());
        into.put("birthDate", r.birthDate());
        into.put("sex", r.sex());
        ObjectNode address = into.putObject("address");
        address.put("text", r.address().text());
        address.put("municipalityCode", r.address().municipalityCode());
        into.put("myNumber", r.myNumber());
    }

    /** Writes a honnin record as {@link #honnin} does, to a stream. */
    public static void write(JsonGenerator g, HonninRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("juminhyoCode", r.juminhyoCode());
        writeName(g, "name", r.name());
        g.writeStringField("birthDate", r.birthDate());
        g.writeStringField("sex", r.sex());
        Address a = r.address();
        g.writeObjectFieldStart("address");
        g.writeStringField("text", a.text());
        g.writeNumberField("gaijiCount", a.gaijiCount());
        g.writeNumberField("gaijiChangeSeq", a.gaijiChangeSeq());
        g.writeStringField("municipalityCode", a.municipalityCode());
        g.writeStringField("azaCode", a.azaCode());
        g.writeEndObject();
        g.writeStringField("myNumber", r.myNumber());
        g.writeStringField("retentionFlag", r.retentionFlag());
        g.writeStringField("gaijiFlag", r.gaijiFlag());
        if (r.formerSurname() != null) {
            writeName(g, "formerSurname", r.formerSurname());
        }
        g.writeEndObject();
    }

    private static void writeName(JsonGenerator g, String field, Name n) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("kanji", n.kanji());
        g.writeStringField("kana", n.kana());
        g.writeNumberField("gaijiCount", n.gaijiCount());
        g.writeNumberField("gaijiChangeSeq", n.gaijiChangeSeq());
        g.writeEndObject();
    }

    /** Writes a fuhyo record as {@link #fuhyo} does, to a stream. */
    public static void write(JsonGenerator g, FuhyoRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("juminhyoCode", r.juminhyoCode());
        g.writeObjectFieldStart("name");
        g.writeStringField("kanji", r.name().kanji());
        g.writeStringField("kana", r.name().kana());
        g.writeNumberField("gaijiCount", r.name().gaijiCount());
        g.writeEndObject();
        g.writeStringField("birthDate", r.birthDate());
        g.writeStringField("sex", r.sex());
        g.writeObjectFieldStart("address");
        g.writeStringField("municipalityCode", r.address().municipalityCode());
        g.writeStringField("text", r.address().text());
        g.writeNumberField("gaijiCount", r.address().gaijiCount());
        g.writeEndObject();
        g.writeObjectFieldStart("lastAddress");
        g.writeStringField("text", r.lastAddress().text());
        g.writeNumberField("gaijiCount", r.lastAddress().gaijiCount());
        g.writeEndObject();
        if (r.formerJuminhyoCode() != null) {
            g.writeStringField("formerJuminhyoCode", r.formerJuminhyoCode());
        }
        g.writeStringField("managingMunicipalityCode", r.managingMunicipalityCode());
        g.writeStringField("status", r.status());
        g.writeStringField("gaijiFlag", r.gaijiFlag());
        if (r.gaijiPattern() != null) {
            g.writeStringField("gaijiPattern", r.gaijiPattern());
        }
        g.writeStringField("noticeKind", r.noticeKind());
        g.writeEndObject();
    }
}
