package jp.tokyo.juki.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL §2.1: a frame is UTF-8 JSON, and nothing else is read as if it were — Jackson alone
 * guesses UTF-16/32 from the bytes and decodes overlong and CESU-8 forms. And a refusal never
 * repeats a member name the peer chose (R-SEC-PII).
 */
class RequestEncodingTest {
    private static final Set<MessageType> TYPES = Set.of(MessageType.HONNIN_UPDATE, MessageType.PING);
    /** a valid PING whose one string value holds "/" (where the overlong test puts C0 AF) */
    private static final String PING = "{\"v\":1,\"id\":\"enc-1\",\"type\":\"PING\",\"sender\":\"131016\",\"seq\":1,"
            + "\"sentAt\":\"2026-11-26T10:15:30+09:00\",\"operator\":\"op-0001\",\"body\":{}}";

    private static WireRefusal refusal(byte[] payload) {
        WireRefusal r = catchThrowableOfType(WireRefusal.class, () -> Request.read(payload, TYPES));
        assertThat(r).as("refused").isNotNull();
        return r;
    }

    private static byte[] bytes(int... b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int x : b) {
            out.write(x);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void strictUtf8IsRead() throws Exception {
        assertThat(Request.read(utf8(PING), TYPES).id()).isEqualTo("enc-1");
        // four-byte UTF-8 (a supplementary character) is UTF-8 like any other
        Request r = Request.read(utf8(PING.replace("\"body\":{}", "\"body\":{\"x\":\"\uD842\uDFB7\"}")), TYPES);
        assertThat(r.body().get("x").textValue()).isEqualTo("\uD842\uDFB7");
    }

    @Test
    void otherEncodingsOfTheSameJsonAreE100() {
        for (Charset cs : new Charset[]{StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16,
                Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE")}) {
            assertThat(refusal(PING.getBytes(cs)).code()).as(cs.name()).isEqualTo(ReplyCode.E100);
        }
    }

    @Test
    void aByteOrderMarkIsE100() {
        WireRefusal r = refusal(concat(bytes(0xEF, 0xBB, 0xBF), utf8(PING)));
        assertThat(r.code()).isEqualTo(ReplyCode.E100);
        assertThat(r.getMessage()).startsWith("not UTF-8");
    }

    @Test
    void overlongFormsAndEncodedSurrogatesAreE100() {
        String[] halves = PING.split("op-0001");
        // C0 AF: an overlong "/"; E0 80 AF the same in three bytes
        for (byte[] bad : new byte[][]{bytes(0xC0, 0xAF), bytes(0xE0, 0x80, 0xAF), bytes(0xC1, 0xBF),
                // CESU-8: U+20BB7 as two encoded surrogates; and one encoded surrogate alone
                bytes(0xED, 0xA1, 0x82, 0xED, 0xBE, 0xB7), bytes(0xED, 0xA0, 0x80),
                // beyond U+10FFFF, a lone continuation byte, a cut sequence
                bytes(0xF4, 0x90, 0x80, 0x80), bytes(0x80), bytes(0xE3, 0x81)}) {
            WireRefusal r = refusal(concat(utf8(halves[0]), bad, utf8(halves[1])));
            assertThat(r.code()).isEqualTo(ReplyCode.E100);
            assertThat(r.getMessage()).startsWith("not UTF-8");
        }
    }

    @Test
    void badBytesAfterTheObjectAreE100Too() {
        assertThat(refusal(concat(utf8(PING), bytes(' ', 0xC0, 0xAF))).code()).isEqualTo(ReplyCode.E100);
        assertThat(refusal(concat(utf8(PING), bytes(0xE3))).code()).isEqualTo(ReplyCode.E100);
    }

    @Test
    void aNulIsE100() {
        assertThat(refusal(utf8(PING.replace("op-0001", "op\u00000001"))).code()).isEqualTo(ReplyCode.E100);
        assertThat(refusal(concat(utf8(PING), bytes(0))).code()).isEqualTo(ReplyCode.E100);
    }

    @Test
    void anUnknownEnvelopeMemberIsNamedByPositionNeverByItsText() {
        String planted = "山田太郎 123456789018 東京都千代田区\r\n\u001B[31m";
        String json = PING.replace("\"body\":{}", "\"body\":{},\"" + planted.replace("\r", "\\r").replace("\n", "\\n")
                .replace("\u001B", "\\u001b") + "\":1");
        WireRefusal r = refusal(utf8(json));
        assertThat(r.code()).isEqualTo(ReplyCode.E110);
        assertThat(r.requestId()).isEqualTo("enc-1");
        assertThat(r.getMessage()).isEqualTo("envelope: member 9 unknown (allowed: v, id, type, sender, seq, sentAt, "
                + "operator, terminal, body)");
        assertThat(r.getMessage()).doesNotContain("山田", "123456789018", "千代田", "\r", "\n", "\u001B");
    }
}
