package jp.tokyo.juki.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
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
     * the encoding (UTF-16/32 by their NUL bytes or a BOM) and decodes UTF-8 leniently (overlong
     * {@code C0 AF} as "/", CESU-8 surrogates); so the bytes go through the JDK's UTF-8 decoder
     * with every error reported, and Jackson only sees the characters. That refuses overlong
     * forms, encoded surrogates and bytes that are no UTF-8 at all (a UTF-16 BOM); UTF-16 or
     * UTF-32 without a BOM decodes to NUL characters, which JSON refuses outside and inside
     * strings. A UTF-8 BOM is refused too: the protocol has none.
     *
     * @throws CharacterCodingException the bytes are not UTF-8 (or start with a BOM)
     * @throws IOException               the characters are not one JSON value
     */
    public static JsonNode readFrame(byte[] payload) throws IOException {
        if (payload.length >= 3 && (payload[0] & 0xFF) == 0xEF && (payload[1] & 0xFF) == 0xBB
                && (payload[2] & 0xFF) == 0xBF) {
            throw new CharacterCodingException();
        }
        InputStreamReader chars = new InputStreamReader(new ByteArrayInputStream(payload),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
        // FAIL_ON_TRAILING_TOKENS makes Jackson read to the end, so a bad byte after the object is found too
        return MAPPER.readTree(chars);
    }
}
