package jp.tokyo.juki.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;

/**
 * One audited exchange, as queued and as stored. It carries no personal data: persons appear as
 * keyed hashes and the detail names items and rules only.
 *
 * <p>Callers build one from typed parts — {@link #in}/{@link #out} with the {@link AuditLine},
 * the peer and the type (a wire {@link MessageType} or a {@link GatewayEvent}), then the message
 * id, sender, {@link AuditStatus}, code, detail and persons, and the operator, terminal and
 * reason when someone acted — and hand the {@link Draft} to an {@link AuditSink}. The record's
 * members are the texts as stored in {@code audit.record} (the hash chain covers them), so a
 * record read back from the table is one too.
 *
 * <p>Every value is untrusted input (a peer's CN from a refused handshake, a detail naming what an
 * authenticated CS sent): {@link #of} bounds each to its column of {@code audit.record} and
 * replaces what the store refuses or a reader should not see — NUL and other control
 * characters, lone surrogates, bidi controls — with U+FFFD. Done here, once, for every line and
 * tool; a value cut to its column ends in "…". The record's own constructor keeps values as
 * they are, as read back from the table (their hashes cover them as stored).
 *
 * @param line      {@link AuditLine#text()}
 * @param direction {@link Direction#text()}
 * @param peer      the peer's certificate identity, or what is known of it
 * @param type      a {@link MessageType} or {@link GatewayEvent} name
 * @param status    an {@link AuditStatus} name
 * @param persons   keyed hashes of the 住民票コード concerned
 * @param operator  who acted: an operator ID of the register, or a CS envelope's operator (null: none)
 * @param terminal  the terminal they acted from (null: none)
 * @param reason    the reason an operator gave (null: none)
 */
public record AuditEvent(UUID eventId, Instant at, String line, String direction, String peer, String type,
                         String messageId, String sender, String status, String code, String detail,
                         List<String> persons, String operator, String terminal, String reason) {

    /** Column widths of audit.record (V2, V13, V14); detail and reason are {@code text}, bounded here all the same. */
    public static final int LINE = 16;
    public static final int DIRECTION = 8;
    public static final int PEER = 80;
    public static final int TYPE = 32;
    public static final int MESSAGE_ID = 64;
    public static final int SENDER = 8;
    public static final int STATUS = 16;
    public static final int CODE = 8;
    public static final int DETAIL = 1000;
    public static final int OPERATOR = 64;
    public static final int TERMINAL = 64;
    public static final int REASON = 500;
    /** a person's keyed hash (64 hex digits); anything longer was not made by {@link PersonHasher} */
    public static final int PERSON = 128;
    private static final char REPLACEMENT = '\uFFFD';
    private static final char CUT = '…';

    /** A draft of an event a peer (or an operator) asked for: {@link Direction#IN}. */
    public static Draft in(AuditLine line, String peer, MessageType type) {
        return new Draft(line, Direction.IN, peer, type == null ? null : type.name());
    }

    /** A draft of an event of the gateway's own kind: {@link Direction#IN}. */
    public static Draft in(AuditLine line, String peer, GatewayEvent type) {
        return new Draft(line, Direction.IN, peer, type == null ? null : type.name());
    }

    /** A draft of an event the gateway started towards a peer: {@link Direction#OUT}. */
    public static Draft out(AuditLine line, String peer, MessageType type) {
        return new Draft(line, Direction.OUT, peer, type == null ? null : type.name());
    }

    /** A draft of an event of the gateway's own kind that it started: {@link Direction#OUT}. */
    public static Draft out(AuditLine line, String peer, GatewayEvent type) {
        return new Draft(line, Direction.OUT, peer, type == null ? null : type.name());
    }

    /**
     * A new event now, the persons turned into their keyed hashes (the plain codes go no further);
     * {@code hasher} may be null for an event that concerns nobody. Every text is bounded and
     * cleaned ({@link #clean}).
     */
    public static AuditEvent of(PersonHasher hasher, Draft d) {
        List<String> persons = d.persons.isEmpty() ? List.of()
                : d.persons.stream().map(hasher::hash).map(p -> clean(p, PERSON)).toList();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // unique, not secret: a time-seeded random id is enough and avoids SecureRandom's lock
        return new AuditEvent(new UUID(r.nextLong(), r.nextLong()), Instant.now(), clean(d.line.text(), LINE),
                clean(d.direction.text(), DIRECTION), clean(d.peer, PEER), clean(d.type, TYPE),
                clean(d.messageId, MESSAGE_ID), clean(d.sender, SENDER), clean(d.status == null ? null : d.status.name(),
                STATUS), clean(d.code, CODE), clean(d.detail, DETAIL), persons, clean(d.operator, OPERATOR),
                clean(d.terminal, TERMINAL), clean(d.reason, REASON));
    }

    /** This event at {@code time}, everything else as it is. */
    AuditEvent withTime(Instant time) {
        return new AuditEvent(eventId, time, line, direction, peer, type, messageId, sender, status, code, detail, persons,
                operator, terminal, reason);
    }

    /**
     * An event being described by its caller: line, direction, peer and type first
     * ({@link AuditEvent#in}, {@link AuditEvent#out}), then what is known of the rest; what is not
     * set stays empty (null, no persons). Handed to an {@link AuditSink}, which stamps it (event
     * id, time), hashes its persons and cleans its texts ({@link AuditEvent#of}).
     */
    public static final class Draft {
        private final AuditLine line;
        private final Direction direction;
        private final String peer;
        private final String type;
        private String messageId;
        private String sender;
        private AuditStatus status;
        private String code;
        private String detail;
        private List<String> persons = List.of();
        private String operator;
        private String terminal;
        private String reason;

        private Draft(AuditLine line, Direction direction, String peer, String type) {
            this.line = line;
            this.direction = direction;
            this.peer = peer;
            this.type = type;
        }

        /** The message id (a request's id, an outbox notice's, a file's {@code AR-n}, …). */
        public Draft id(String messageId) {
            this.messageId = messageId;
            return this;
        }

        /** The municipality code the message came from (or was sent as). */
        public Draft sender(String sender) {
            this.sender = sender;
            return this;
        }

        public Draft status(AuditStatus status) {
            this.status = status;
            return this;
        }

        /** A reply code of the wire, or a line's own (A…, D…, L…, S…, V…, TLS). */
        public Draft code(String code) {
            this.code = code;
            return this;
        }

        public Draft code(ReplyCode code) {
            this.code = code == null ? null : code.name();
            return this;
        }

        /** Names items and rules only, never a value. */
        public Draft detail(String detail) {
            this.detail = detail;
            return this;
        }

        /** The reply's status, code and detail. */
        public Draft reply(Reply reply) {
            return status(AuditStatus.of(reply.status())).code(reply.code()).detail(reply.detail());
        }

        /** The authenticated operator who acted (an operator ID of the register), or a CS envelope's operator. */
        public Draft operator(String operator) {
            this.operator = operator;
            return this;
        }

        /** The terminal the operator acted from (代表端末・業務端末), or a CS envelope's terminal. */
        public Draft terminal(String terminal) {
            this.terminal = terminal;
            return this;
        }

        /** The reason the operator gave (free text, bounded and cleaned like every value). */
        public Draft reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** The persons concerned: 住民票コード in plain, only their keyed hashes are kept. */
        public Draft persons(List<String> juminhyoCodes) {
            this.persons = juminhyoCodes == null ? List.of() : juminhyoCodes;
            return this;
        }
    }

    /**
     * {@code value} as the audit table can hold it and a reader can trust it: at most {@code max}
     * characters (code points, as PostgreSQL counts them; a value cut ends in "…"), each control
     * character (C0 with NUL, DEL, C1), lone surrogate, bidi control, line or paragraph separator (U+2028,
     * U+2029) or other invisible format character replaced by U+FFFD. Null stays null. A clean value is returned as it is.
     */
    public static String clean(String value, int max) {
        if (value == null) {
            return null;
        }
        int n = value.length();
        if (n <= max && isClean(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(Math.min(n, max + 1));
        int count = 0;
        for (int i = 0; i < n; ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (count == max - 1 && i < n) {
                out.append(CUT);
                return out.toString();
            }
            out.appendCodePoint(unsafe(cp) ? REPLACEMENT : cp);
            count++;
        }
        return out.toString();
    }

    private static boolean isClean(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f && (c < 0xa0 || Character.isSurrogate(c) || unsafe(c))) {
                return false;
            }
        }
        return true;
    }

    /** What is replaced: controls, lone surrogates, format characters (bidi, zero-width), non-characters. */
    private static boolean unsafe(int cp) {
        if (Character.isISOControl(cp) || cp <= 0xffff && Character.isSurrogate((char) cp)) {
            return true;
        }
        int t = Character.getType(cp);
        // U+2028/U+2029 (line and paragraph separators) break lines in many log and JSON readers
        return t == Character.FORMAT || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR || t == Character.UNASSIGNED && (cp & 0xfffe) == 0xfffe
                || cp >= 0xfdd0 && cp <= 0xfdef;
    }
}
