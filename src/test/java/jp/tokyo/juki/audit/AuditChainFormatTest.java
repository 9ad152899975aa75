package jp.tokyo.juki.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The chain's two formats (docs/decisions.md, the audit chain's format 2): a record without
 * operator, terminal and reason hashes exactly as every record written before V14 did, so those
 * still verify; one with any of them is format 2, and each of the three is covered by its hash.
 */
class AuditChainFormatTest {
    private static final UUID ID = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    private static final Instant AT = Instant.parse("2024-04-01T09:30:15.123456Z");
    private static final List<String> PERSONS = List.of("ab".repeat(32), "cd".repeat(32));

    private static AuditEvent event(String operator, String terminal, String reason) {
        return new AuditEvent(ID, AT, "cs", "in", "cs-131016", "HONNIN_UPDATE", "M-1", "131016", "ACCEPTED", "A000",
                "東京都 detail", PERSONS, operator, terminal, reason);
    }

    private static String hash(AuditEvent e) {
        return AuditChain.hex(AuditChain.link(AuditChain.sha256(), AuditChain.GENESIS, e));
    }

    @Test
    void aRecordWithoutOperatorTerminalAndReasonHashesAsBeforeV14() {
        // computed by the chain's code before V14 (format 1 only), for these very records
        assertThat(AuditChain.format(event(null, null, null))).isEqualTo(AuditChain.FORMAT_1);
        assertThat(hash(event(null, null, null)))
                .isEqualTo("a3da3a7273351cf2d9857621f36dbe296d5f1fc13df63dda374ce67163cc37c0");
        AuditEvent bare = new AuditEvent(new UUID(0, 1), Instant.EPOCH, "audit", "in", null, null, null, null, null, null,
                null, List.of(), null, null, null);
        assertThat(AuditChain.hex(AuditChain.link(AuditChain.sha256(), new byte[32], bare)))
                .isEqualTo("a284631d67cbe2c8e25180ba3fb233b84fc49760e26d7c0612c80e7dda640e42");
    }

    @Test
    void anyOfOperatorTerminalOrReasonMakesTheRecordFormat2() {
        assertThat(AuditChain.format(event("op-0001", null, null))).isEqualTo(AuditChain.FORMAT_2);
        assertThat(AuditChain.format(event(null, "term-01", null))).isEqualTo(AuditChain.FORMAT_2);
        assertThat(AuditChain.format(event(null, null, "開示請求 R8-0042"))).isEqualTo(AuditChain.FORMAT_2);
        // an empty text is a value, not its absence: it is stored, and hashed, as such
        assertThat(AuditChain.format(event("", null, null))).isEqualTo(AuditChain.FORMAT_2);
    }

    @Test
    void theHashCoversOperatorTerminalAndReasonAndTheirPlaces() {
        String full = hash(event("op-0001", "term-01", "reason"));

        assertThat(hash(event("op-0002", "term-01", "reason"))).isNotEqualTo(full);
        assertThat(hash(event("op-0001", "term-02", "reason"))).isNotEqualTo(full);
        assertThat(hash(event("op-0001", "term-01", "reason!"))).isNotEqualTo(full);
        assertThat(hash(event("op-0001", "term-01", null))).isNotEqualTo(full);
        // the same text in another column is another record
        assertThat(hash(event("term-01", "op-0001", "reason"))).isNotEqualTo(full);
        assertThat(hash(event(null, "op-0001", null))).isNotEqualTo(hash(event("op-0001", null, null)));
    }

    @Test
    void emptyingTheV14ColumnsOfAFormat2RecordDoesNotGiveAValidFormat1Record() {
        // format 1 is the same record without them: its hash is another (the format is the first byte hashed)
        assertThat(hash(event("op-0001", null, null))).isNotEqualTo(hash(event(null, null, null)));
        assertThat(hash(event("", "", ""))).isNotEqualTo(hash(event(null, null, null)));
    }
}
