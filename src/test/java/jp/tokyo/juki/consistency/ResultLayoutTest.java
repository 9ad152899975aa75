package jp.tokyo.juki.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import jp.tokyo.juki.wire.Json;
import org.junit.jupiter.api.Test;

class ResultLayoutTest {
    private static final List<String> ITEMS = List.of("name", "birthDate", "sex", "address", "myNumber",
            "retentionFlag", "gaijiFlag", "formerSurname");

    @Test
    void entrySizesAreTheBytesTheEntryTakesInTheReplyWithItsComma() throws Exception {
        for (int mask = 1; mask < 1 << ITEMS.size(); mask++) {
            ObjectNode entry = Json.MAPPER.createObjectNode();
            entry.put("juminhyoCode", "01234567890");
            ArrayNode items = entry.putArray("items");
            for (int i = 0; i < ITEMS.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    items.add(ITEMS.get(i));
                }
            }
            assertThat(ResultLayout.differingEntryBytes(mask, ITEMS))
                    .isEqualTo(Json.MAPPER.writeValueAsBytes(entry).length + 1);
        }
        assertThat(ResultLayout.MISSING_ENTRY_BYTES).isEqualTo(Json.MAPPER.writeValueAsBytes("01234567890").length + 1);
    }

    @Test
    void partsCoverEveryEntryExactlyOnceAcrossTheKinds() {
        long budget = 100;
        // 7 differing of 60 bytes, 20 missing in store, 3 missing at CS (14 bytes each)
        ResultLayout layout = new ResultLayout(5, new long[]{7, 20, 3}, new long[]{420, 280, 42}, budget);
        assertThat(layout.parts).isEqualTo(8);
        long[] seen = new long[3];
        for (int p = 0; p < layout.parts; p++) {
            long bytes = 0;
            for (int k = 0; k < 3; k++) {
                long[] r = layout.range(p, k);
                assertThat(r[0]).isEqualTo(seen[k]);
                seen[k] = r[1];
                bytes += r[1] - r[0];
            }
            assertThat(bytes).as("entries starting within the part's budget").isLessThanOrEqualTo(budget);
        }
        assertThat(seen).containsExactly(420, 280, 42);
    }

    @Test
    void anEmptyResultIsOnePart() {
        assertThat(new ResultLayout(10, new long[3], new long[3], 1000).parts).isEqualTo(1);
    }
}
