package jp.tokyo.juki.audit;

import static org.assertj.core.api.Assertions.assertThat;

import jp.tokyo.juki.wire.MessageType;
import org.junit.jupiter.api.Test;

/** Every value that reaches an audit record is bounded to its column and cleaned where it is tapped. */
class AuditEventTest {

    @Test
    void aCleanValueIsKeptAsItIs() {
        String v = "cs-131016 東京都";
        assertThat(AuditEvent.clean(v, 80)).isSameAs(v);
        assertThat(AuditEvent.clean("東京都 😀", 80)).isEqualTo("東京都 😀");
        assertThat(AuditEvent.clean(null, 80)).isNull();
    }

    @Test
    void aLongValueIsCutToItsColumnInCodePointsAndSaysSo() {
        String cut = AuditEvent.clean("x".repeat(100), 80);
        assertThat(cut).hasSize(80).endsWith("…");
        assertThat(AuditEvent.clean("x".repeat(80), 80)).isEqualTo("x".repeat(80));
        // a surrogate pair is one character to PostgreSQL and never split
        String emoji = AuditEvent.clean("😀".repeat(10), 8);
        assertThat(emoji.codePointCount(0, emoji.length())).isEqualTo(8);
        assertThat(emoji).isEqualTo("😀".repeat(7) + "…");
    }

    @Test
    void controlFormatAndLoneSurrogateCharactersAreReplaced() {
        assertThat(AuditEvent.clean("a\u0000b\u001b[2J\r\n\u007f\u0085\u202e\u200b\ud800c", 100))
                .isEqualTo("a\uFFFDb\uFFFD[2J\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDc");
    }

    @Test
    void lineAndParagraphSeparatorsAreReplaced() {
        // U+2028/U+2029 end a line in JavaScript, many log viewers and JSON-lines readers
        assertThat(AuditEvent.clean("a\u2028b\u2029c", 100)).isEqualTo("a\uFFFDb\uFFFDc");
        AuditEvent e = AuditEvent.of(null, AuditEvent.in(AuditLine.CS, "cn=x\u2028forged line", (MessageType) null)
                .detail("detail\u2029"));
        assertThat(e.peer()).isEqualTo("cn=x\uFFFDforged line");
        assertThat(e.detail()).isEqualTo("detail\uFFFD");
    }

    @Test
    void everyTextMemberOfANewEventIsBoundedAndCleaned() {
        // line, direction, type and status are enums: their texts fit their columns by construction
        String huge = "\u0000".repeat(5000);
        AuditEvent e = AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR, huge, GatewayEvent.AUDIT_SET_ASIDE).id(huge)
                .sender(huge).status(AuditStatus.NOTHING_HELD).code(huge).detail(huge));
        assertThat(e.line()).isEqualTo("operator").hasSizeLessThanOrEqualTo(AuditEvent.LINE);
        assertThat(e.direction()).isEqualTo("in");
        assertThat(e.peer()).hasSize(AuditEvent.PEER).doesNotContain("\u0000");
        assertThat(e.type()).isEqualTo("AUDIT_SET_ASIDE").hasSizeLessThanOrEqualTo(AuditEvent.TYPE);
        assertThat(e.messageId()).hasSize(AuditEvent.MESSAGE_ID);
        assertThat(e.sender()).hasSize(AuditEvent.SENDER);
        assertThat(e.status()).isEqualTo("NOTHING_HELD").hasSizeLessThanOrEqualTo(AuditEvent.STATUS);
        assertThat(e.code()).hasSize(AuditEvent.CODE);
        assertThat(e.detail()).hasSize(AuditEvent.DETAIL).doesNotContain("\u0000");
    }

    @Test
    void operatorTerminalAndReasonAreCarriedBoundedAndCleaned() {
        AuditEvent plain = AuditEvent.of(null, AuditEvent.in(AuditLine.CS, "cs-131016", MessageType.HONNIN_UPDATE)
                .operator("op-0001").terminal("term-01").reason("開示請求 R8-0042"));
        assertThat(plain.operator()).isEqualTo("op-0001");
        assertThat(plain.terminal()).isEqualTo("term-01");
        assertThat(plain.reason()).isEqualTo("開示請求 R8-0042");

        String huge = "\u202e\u0000".repeat(3000);
        AuditEvent hostile = AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR, null, GatewayEvent.AUDIT_QUERY)
                .operator(huge).terminal(huge).reason(huge));
        assertThat(hostile.operator()).hasSize(AuditEvent.OPERATOR).endsWith("…").doesNotContain("\u0000", "\u202e");
        assertThat(hostile.terminal()).hasSize(AuditEvent.TERMINAL).endsWith("…").doesNotContain("\u0000", "\u202e");
        assertThat(hostile.reason()).hasSize(AuditEvent.REASON).endsWith("…").doesNotContain("\u0000", "\u202e");

        AuditEvent none = AuditEvent.of(null, AuditEvent.in(AuditLine.CS, "cs-131016", MessageType.PING));
        assertThat(none.operator()).isNull();
        assertThat(none.terminal()).isNull();
        assertThat(none.reason()).isNull();
    }
}
