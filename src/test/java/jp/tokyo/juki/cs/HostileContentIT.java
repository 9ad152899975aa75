package jp.tokyo.juki.cs;

import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static jp.tokyo.juki.testkit.TestPki.CHUO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.testkit.ConsistencyMessages;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 findings 4 and 5, reproduced over real mutual TLS with real CS certificates against a
 * gateway with its PostgreSQL and Artemis: each frame is an otherwise valid update of a new
 * person, so what the gateway did not refuse would be stored. Frames in other encodings than
 * strict UTF-8 are E100; half characters, bidi controls, zero-width characters, blank names
 * and a birth after the change are E110 with nothing stored; an unknown member named with
 * personal data and control characters reaches neither the reply nor the audit record.
 */
class HostileContentIT {
    private static final String PLANTED_NAME = "漏洩検査 次郎";
    private static RunningGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(false, Map.of());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static long residents(String code) throws Exception {
        return gw.queryLong("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?", code);
    }

    private static long annexes(String code) throws Exception {
        return gw.queryLong("SELECT count(*) FROM fuhyo.person WHERE juminhyo_code = ?", code);
    }

    private static Reply sendRaw(FrameClient cs, String id, byte[] payload) throws Exception {
        return cs.sendRaw(id, payload).get(20, TimeUnit.SECONDS);
    }

    private static Reply sendJson(String id, String json) throws Exception {
        try (FrameClient cs = gw.connect(CHIYODA)) {
            return sendRaw(cs, id, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {@code json} as UTF-8, with {@code bad} bytes in place of the first {@code marker}. */
    private static byte[] splice(String json, String marker, byte[] bad) {
        int at = json.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        return concat(json.substring(0, at).getBytes(StandardCharsets.UTF_8), bad,
                json.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void framesInOtherEncodingsThanStrictUtf8AreE100AndNothingIsStored() throws Exception {
        long auditedBefore = gw.queryLong("SELECT count(*) FROM audit.record WHERE code = 'E100'");
        Map<String, byte[]> frames = new LinkedHashMap<>();
        List<String> codes = new ArrayList<>();
        for (String what : List.of("UTF-16LE", "UTF-16BE with BOM", "UTF-16LE with BOM", "UTF-32BE", "UTF-8 with BOM",
                "overlong C0 AF", "CESU-8 surrogate pair")) {
            ObjectNode record = Messages.person(CHIYODA);
            codes.add(record.get("juminhyoCode").asText());
            // 𠮷 (U+20BB7) is where the CESU-8 frame writes its two surrogates, "/" where the overlong one writes C0 AF
            record.with("name").put("kanji", "\uD842\uDFB7田 太郎");
            record.with("address").put("text", "東京都千代田区千代田１/１");
            // as text: Jackson writes a supplementary character into bytes as a \\u escape pair, not in UTF-8
            String json = Messages.update(CHIYODA, "MOVE_IN", record).toJson().toString();
            frames.put(what, switch (what) {
                case "UTF-16LE" -> json.getBytes(StandardCharsets.UTF_16LE);
                case "UTF-16BE with BOM" -> json.getBytes(StandardCharsets.UTF_16);
                case "UTF-16LE with BOM" -> concat(bytes(0xFF, 0xFE), json.getBytes(StandardCharsets.UTF_16LE));
                case "UTF-32BE" -> json.getBytes(Charset.forName("UTF-32BE"));
                case "UTF-8 with BOM" -> concat(bytes(0xEF, 0xBB, 0xBF), json.getBytes(StandardCharsets.UTF_8));
                case "overlong C0 AF" -> splice(json, "/", bytes(0xC0, 0xAF));
                default -> splice(json, "\uD842\uDFB7", bytes(0xED, 0xA1, 0x82, 0xED, 0xBE, 0xB7));
            });
        }
        int i = 0;
        for (Map.Entry<String, byte[]> frame : frames.entrySet()) {
            try (FrameClient cs = gw.connect(CHIYODA)) {
                Reply reply = sendRaw(cs, null, frame.getValue());
                System.out.printf("%-22s %5d bytes -> %s %s %s%n", frame.getKey(), frame.getValue().length, reply.status(),
                        reply.code(), reply.detail());
                assertThat(reply.code().name()).as(frame.getKey()).isEqualTo("E100");
                assertThat(reply.inReplyTo()).as(frame.getKey()).isNull();
                // PROTOCOL §2.1: and the connection is closed
                await().atMost(Duration.ofSeconds(10)).until(() -> !cs.isOpen());
            }
            assertThat(residents(codes.get(i++))).as(frame.getKey() + " stored nothing").isZero();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE code = 'E100'") - auditedBefore >= frames.size());
        System.out.printf("%d frames in other encodings: %d E100 audit records, %d persons stored%n", frames.size(),
                gw.queryLong("SELECT count(*) FROM audit.record WHERE code = 'E100'") - auditedBefore,
                codes.stream().mapToLong(c -> {
                    try {
                        return residents(c);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).sum());
        // the same person in strict UTF-8 is accepted: it was the encoding that was refused
        ObjectNode record = Messages.person(CHIYODA);
        record.with("name").put("kanji", "\uD842\uDFB7田 太郎");
        record.with("address").put("text", "東京都千代田区千代田１/１");
        try (FrameClient cs = gw.connect(CHIYODA)) {
            assertThat(cs.send(Messages.update(CHIYODA, "MOVE_IN", record)).get(20, TimeUnit.SECONDS).code().name())
                    .isEqualTo("I000");
        }
        assertThat(gw.queryString("SELECT name_kanji FROM honnin.resident WHERE juminhyo_code = ?",
                record.get("juminhyoCode").asText())).isEqualTo("\uD842\uDFB7田 太郎");
    }

    @Test
    void aLoneSurrogateInANameIsE110AndNothingIsStoredInEitherStore() throws Exception {
        ObjectNode record = Messages.person(CHIYODA, Messages.newJuminhyoCode(), Messages.newMyNumber(), "LONE", "ヤマダ タロウ");
        Request update = Messages.update(CHIYODA, "MOVE_IN", record);
        Reply reply = sendJson(update.id(), update.toJson().toString().replace("LONE", "\\ud800"));
        assertThat(reply.code().name()).isEqualTo("E110");
        assertThat(reply.detail()).isEqualTo("body.record.name.kanji: holds a lone surrogate (not Unicode text)");
        assertThat(residents(record.get("juminhyoCode").asText())).isZero();

        ObjectNode annex = Messages.fuhyoPerson(CHIYODA);
        annex.with("name").put("kanji", "LONE");
        Request fuhyo = Messages.fuhyoUpdate(CHIYODA, "BIRTH", annex);
        Reply fuhyoReply = sendJson(fuhyo.id(), fuhyo.toJson().toString().replace("LONE", "鈴木\\udfb7"));
        assertThat(fuhyoReply.code().name()).isEqualTo("E110");
        assertThat(fuhyoReply.detail()).startsWith("body.record.name.kanji: holds a lone surrogate");
        assertThat(annexes(annex.get("juminhyoCode").asText())).isZero();
    }

    @Test
    void bidiControlsZeroWidthCharactersAndBlankNamesAreE110AndNothingIsStored() throws Exception {
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("U+202E in name.kanji", new String[]{"kanji", "山田\u202E郎太", "body.record.name.kanji: must not contain bidirectional controls"});
        cases.put("U+2066 in name.kanji", new String[]{"kanji", "\u2066山田 太郎\u2069", "body.record.name.kanji: must not contain bidirectional controls"});
        cases.put("U+200B in name.kanji", new String[]{"kanji", "山\u200B田 太郎", "body.record.name.kanji: must not contain zero-width characters"});
        cases.put("U+FEFF in name.kana", new String[]{"kana", "ヤマダ\uFEFF タロウ", "body.record.name.kana: must not contain zero-width characters"});
        cases.put("ESC in name.kanji", new String[]{"kanji", "山田\u001B[2J太郎", "body.record.name.kanji: must not contain control characters"});
        cases.put("only 全角 spaces", new String[]{"kanji", "\u3000\u3000", "body.record.name.kanji: must not be blank"});
        cases.put("only ASCII spaces", new String[]{"kanji", "   ", "body.record.name.kanji: must not be blank"});
        cases.put("kana of only spaces", new String[]{"kana", " \u3000", "body.record.name.kana: must not be blank"});
        try (FrameClient cs = gw.connect(CHIYODA)) {
            for (Map.Entry<String, String[]> c : cases.entrySet()) {
                ObjectNode record = Messages.person(CHIYODA);
                record.with("name").put(c.getValue()[0], c.getValue()[1]);
                Reply reply = cs.send(Messages.update(CHIYODA, "MOVE_IN", record)).get(20, TimeUnit.SECONDS);
                assertThat(reply.code().name()).as(c.getKey()).isEqualTo("E110");
                assertThat(reply.detail()).as(c.getKey()).isEqualTo(c.getValue()[2]);
                assertThat(residents(record.get("juminhyoCode").asText())).as(c.getKey()).isZero();
            }
            ObjectNode address = Messages.person(CHIYODA);
            address.with("address").put("text", "東京都千代田区\u202E１番１号");
            Reply reply = cs.send(Messages.update(CHIYODA, "MOVE_IN", address)).get(20, TimeUnit.SECONDS);
            assertThat(reply.detail()).isEqualTo("body.record.address.text: must not contain bidirectional controls");

            ObjectNode annex = Messages.fuhyoPerson(CHIYODA);
            annex.with("name").put("kanji", "鈴木\u202E子花");
            Reply fuhyo = cs.send(Messages.fuhyoUpdate(CHIYODA, "BIRTH", annex)).get(20, TimeUnit.SECONDS);
            assertThat(fuhyo.code().name()).isEqualTo("E110");
            assertThat(fuhyo.detail()).isEqualTo("body.record.name.kanji: must not contain bidirectional controls");
            assertThat(annexes(annex.get("juminhyoCode").asText())).isZero();

            // a consistency check reads its records by the same rules
            assertThat(cs.send(ConsistencyMessages.begin(CHIYODA, "HONNIN", "hostile", 1)).get(20, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.ACK);
            ObjectNode hidden = Messages.person(CHIYODA);
            hidden.with("name").put("kanji", "山田\u200D太郎");
            Reply chunk = cs.send(ConsistencyMessages.chunk(CHIYODA, "hostile", 0, List.of(hidden))).get(20, TimeUnit.SECONDS);
            assertThat(chunk.code().name()).isEqualTo("E110");
            assertThat(chunk.detail()).isEqualTo("body.records[0].name.kanji: must not contain zero-width characters");
            cs.send(ConsistencyMessages.end(CHIYODA, "hostile", null)).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBirthDateAfterTheChangeDateIsE110InBothStores() throws Exception {
        // Messages date every change yesterday in Japan
        String today = LocalDate.now(ZoneId.of("Asia/Tokyo")).toString();
        try (FrameClient cs = gw.connect(CHIYODA)) {
            ObjectNode record = Messages.person(CHIYODA).put("birthDate", today);
            Reply reply = cs.send(Messages.update(CHIYODA, "MOVE_IN", record)).get(20, TimeUnit.SECONDS);
            assertThat(reply.code().name()).isEqualTo("E110");
            assertThat(reply.detail()).isEqualTo("body.record.birthDate: must not be after body.changeDate");
            assertThat(residents(record.get("juminhyoCode").asText())).isZero();

            ObjectNode annex = Messages.fuhyoPerson(CHIYODA).put("birthDate", today);
            Reply fuhyo = cs.send(Messages.fuhyoUpdate(CHIYODA, "BIRTH", annex)).get(20, TimeUnit.SECONDS);
            assertThat(fuhyo.code().name()).isEqualTo("E110");
            assertThat(fuhyo.detail()).isEqualTo("body.record.birthDate: must not be after body.changeDate");
            assertThat(annexes(annex.get("juminhyoCode").asText())).isZero();
        }
    }

    @Test
    void anUnknownMemberNamedWithPersonalDataReachesNeitherTheReplyNorTheAudit() throws Exception {
        String myNumber = Messages.newMyNumber();
        String planted = PLANTED_NAME + " " + myNumber + " 東京都千代田区千代田\r\n\u001B[2J\u0007";
        List<String> ids = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        try (FrameClient cs = gw.connect(CHIYODA)) {
            // in the envelope, in the record, in the name
            ObjectNode envelope = Messages.update(CHIYODA, "MOVE_IN", Messages.person(CHIYODA)).toJson();
            envelope.put(planted, 1);
            ObjectNode inRecord = Messages.person(CHIYODA);
            inRecord.put(planted, "x");
            ObjectNode inName = Messages.person(CHIYODA);
            inName.with("name").put(planted, 0);
            // an identifier-shaped name is no safer: a romanised name and a number fit in one
            ObjectNode identifier = Messages.person(CHIYODA);
            identifier.put("jiroRoei" + myNumber, "x");
            List<ObjectNode> frames = List.of(envelope, Messages.update(CHIYODA, "MOVE_IN", inRecord).toJson(),
                    Messages.update(CHIYODA, "MOVE_IN", inName).toJson(),
                    Messages.update(CHIYODA, "MOVE_IN", identifier).toJson());
            for (ObjectNode frame : frames) {
                String id = frame.get("id").asText();
                ids.add(id);
                replies.add(sendRaw(cs, id, frame.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(replies).extracting(r -> r.code().name()).containsOnly("E110");
        assertThat(replies).extracting(Reply::detail).containsExactly(
                "envelope: member 10 unknown (allowed: v, id, type, sender, seq, sentAt, operator, terminal, body)",
                "body.record: member 9 unknown (allowed: address, birthDate, formerSurname, gaijiFlag, juminhyoCode, "
                        + "myNumber, name, retentionFlag, sex)",
                "body.record.name: member 5 unknown (allowed: gaijiChangeSeq, gaijiCount, kana, kanji)",
                "body.record: member 9 unknown (allowed: address, birthDate, formerSurname, gaijiFlag, juminhyoCode, "
                        + "myNumber, name, retentionFlag, sex)");
        for (Reply r : replies) {
            assertThat(r.detail()).doesNotContain("漏洩", myNumber, "千代田区千代田", "jiro", "\r", "\n", "\u001B", "\u0007");
        }
        // the audit: the four refusals recorded with the same detail, and the planted text nowhere
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_id IN (?, ?, ?, ?)", ids.toArray()) == ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertThat(gw.queryString("SELECT code || ' ' || detail FROM audit.record WHERE msg_id = ?", ids.get(i)))
                    .isEqualTo("E110 " + replies.get(i).detail());
        }
        String everything = "concat_ws('|', peer, msg_type, msg_id, sender, status, code, detail, persons::text)";
        long leaks = gw.queryLong("SELECT count(*) FROM audit.record WHERE strpos(" + everything + ", ?) > 0 "
                + "OR strpos(" + everything + ", ?) > 0 OR strpos(" + everything + ", ?) > 0 "
                + "OR " + everything + " ~ '[\\r\\n\\x1b\\x07]'", "漏洩", myNumber, "千代田区千代田");
        long records = gw.queryLong("SELECT count(*) FROM audit.record");
        System.out.printf("planted member names: %d replies E110, %d audit records searched, %d hold the planted text "
                + "or CR/LF/ESC/BEL%n", replies.size(), records, leaks);
        assertThat(leaks).isZero();
    }

    @Test
    void theSimulatorsBadMessagesAreEachAnsweredWithTheirCode() throws Exception {
        CsSimulator.Result result = new CsSimulator(TestPki.cs(CHUO), new CsSimulator.Options("127.0.0.1", gw.csPort,
                CHUO, "中央区", 20, 0, 1, true, 15)).run();
        for (CsSimulator.BadOutcome b : result.bad()) {
            System.out.printf("%-70s expected %-9s got %s%n", b.what(), b.expected(), b.received());
        }
        assertThat(result.bad()).hasSizeGreaterThanOrEqualTo(18).allMatch(CsSimulator.BadOutcome::asExpected);
        // and what it sends as valid is valid
        assertThat(result.acked()).isEqualTo(20 + 1); // 20 updates and the one sent twice (DUPLICATE)
    }
}
