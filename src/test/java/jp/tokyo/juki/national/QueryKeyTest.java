package jp.tokyo.juki.national;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The key of an operator's request body, read back into the key it describes — or refused by its shape. */
class QueryKeyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static QueryKey read(String json) throws Exception {
        JsonNode key = JSON.readTree(json);
        return QueryKey.fromJson(key);
    }

    @Test
    void eachKindReadsBackAsWritten() throws Exception {
        QueryKey code = QueryKey.juminhyoCode("12345678901");
        QueryKey number = QueryKey.myNumber("123456789012");
        QueryKey four = QueryKey.fourInfo("ヤマダ タロウ", "山田", "1970-01-01", "1", "東京都");

        assertThat(QueryKey.fromJson(code.toJson())).isEqualTo(code);
        assertThat(QueryKey.fromJson(number.toJson())).isEqualTo(number);
        assertThat(QueryKey.fromJson(four.toJson())).isEqualTo(four);
        assertThat(read("{\"fourInfo\": {\"nameKana\": \"ヤマダ\"}}")).isEqualTo(QueryKey.fourInfo("ヤマダ", null, null, null, null));
    }

    @Test
    void anythingButExactlyOneKindWithTextValuesIsNoKey() throws Exception {
        assertThat(QueryKey.fromJson(null)).isNull();
        assertThat(read("{}")).isNull();
        assertThat(read("\"12345678901\"")).isNull();
        assertThat(read("{\"juminhyoCode\": \"12345678901\", \"myNumber\": \"123456789012\"}")).isNull();
        assertThat(read("{\"juminhyoCode\": 12345678901}")).isNull();
        assertThat(read("{\"myNumber\": null}")).isNull();
        assertThat(read("{\"address\": \"東京都\"}")).isNull();
        assertThat(read("{\"fourInfo\": \"ヤマダ\"}")).isNull();
        assertThat(read("{\"fourInfo\": {\"nameKana\": \"ヤマダ\", \"phone\": \"03\"}}")).isNull();
        assertThat(read("{\"fourInfo\": {\"nameKana\": [\"ヤマダ\"]}}")).isNull();
    }
}
