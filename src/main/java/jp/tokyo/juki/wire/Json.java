package jp.tokyo.juki.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The one JSON configuration of the wire: strict about duplicates and trailing content. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS);

    private Json() {
    }

    /**
     * Reads a received frame (PROTOCOL §2.1) as strict UTF-8 JSON. Jackson, given bytes, guesses
     * the encoding (UTF-16/32 by their NUL bytes or a BOM, and skips a UTF-8 BOM) and decodes
     * UTF-8 leniently (overlong {@code C0 AF} as "/", CESU-8 surrogates). So the bytes are first
     * checked by the JDK's UTF-8 decoder with every error reported — which refuses overlong
     * forms, encoded surrogates, code points beyond U+10FFFF, cut sequences and bytes that are
     * no UTF-8 at all (a UTF-16 BOM) — and a UTF-8 BOM and any NUL byte (UTF-16/32 without a
     * BOM; never JSON, escaped or not) are refused. What is left is UTF-8 in which Jackson finds
     * no other encoding to guess, and it parses it from the bytes as UTF-8. The check costs
     * 0-30 % of the parse of a 518-byte update and 30-65 % of a 369 KB consistency chunk;
     * parsing from decoded characters instead took 1.5 and 2.7 times as long (a shared 2-core
     * machine, so ranges).
     *
     * @throws CharacterCodingException the bytes are not UTF-8 (or start with a BOM)
     * @throws IOException               a NUL byte, or the characters are not one JSON value
     */
    public static JsonNode readFrame(byte[] payload) throws IOException {
        if (payload.length >= 3 && (payload[0] & 0xFF) == 0xEF && (payload[1] & 0xFF) == 0xBB
                && (payload[2] & 0xFF) == 0xBF) {
            throw new CharacterCodingException();
        }
        checkUtf8(payload);
        for (byte b : payload) {
            if (b == 0) {
                throw new IOException("NUL byte");
            }
        }
        return MAPPER.readTree(payload);
    }

    /** Decodes into a small scratch buffer, only to find whether the bytes are UTF-8. */
    private static void checkUtf8(byte[] payload) throws CharacterCodingException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload);
        CharBuffer scratch = CharBuffer.allocate(Math.min(payload.length + 1, 8192));
        CoderResult result;
        do {
            scratch.clear();
            result = decoder.decode(in, scratch, true);
            if (result.isError()) {
                result.throwException();
            }
        } while (result.isOverflow());
        do {
            scratch.clear();
            result = decoder.flush(scratch);
        } while (result.isOverflow());
    }
}
