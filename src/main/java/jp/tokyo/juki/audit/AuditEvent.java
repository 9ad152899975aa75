package jp.tokyo.juki.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One audited exchange. It carries no personal data: persons appear as keyed hashes and the
 * detail names items and rules only.
 *
 * <p>Every value is untrusted input (a peer's CN from a refused handshake, a member name an
 * authenticated CS chose): {@link #of} bounds each to its column of {@code audit.record} and
 * replaces what the store refuses or a reader should not see — NUL and other control
 * characters, lone surrogates, bidi controls — with U+FFFD. Done here, once, for every line and
 * tool; a value cut to its column ends in "…". The record's own constructor keeps values as
 * they are, as read back from the table (their hashes cover them as stored).
 *
 * @param line      the line it happened on: "cs", "national", "agency" (request files), "sftp" (the drop
 *                  folders' server), "link" (R-LINK), "operator" (the CLI's audited commands), or "audit"
 *                  (the writer's note of a record it had to set aside)
 * @param direction "in" (a peer's request to us) or "out" (our request to a peer)
 * @param peer      the peer's certificate identity, or what is known of it
 * @param persons   keyed hashes of the 住民票コード concerned
 */
public record AuditEvent(UUID eventId, Instant at, String line, String direction, String peer, String type,
                         String messageId, String sender, String status, String code, String detail,
                         List<String> persons) {

    /** Column widths of audit.record (V2, V13); detail is {@code text}, bounded here all the same. */
    public static final int LINE = 16;
    public static final int DIRECTION = 8;
    public static final int PEER = 80;
    public static final int TYPE = 32;
    public static final int MESSAGE_ID = 64;
    public static final int SENDER = 8;
    public static final int STATUS = 16;
    public static final int CODE = 8;
    public static final int DETAIL = 1000;
    /** a person's keyed hash (64 hex digits); anything longer was not made by {@link PersonHasher} */
    public static final int PERSON = 128;
    private static final char REPLACEMENT = '\uFFFD';
    private static final char CUT = '…';

    /**
     * A new event now, the persons turned into their keyed hashes (the plain codes go no further);
     * {@code hasher} may be null for an event that concerns nobody. Every text is bounded and
     * cleaned ({@link #clean}).
     */
    public static AuditEvent of(PersonHasher hasher, String line, String direction, String peer, String type,
                                String messageId, String sender, String status, String code, String detail,
                                List<String> juminhyoCodes) {
        List<String> persons = juminhyoCodes.isEmpty() ? List.of()
                : juminhyoCodes.stream().map(hasher::hash).map(p -> clean(p, PERSON)).toList();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // unique, not secret: a time-seeded random id is enough and avoids SecureRandom's lock
        return new AuditEvent(new UUID(r.nextLong(), r.nextLong()), Instant.now(), clean(line, LINE),
                clean(direction, DIRECTION), clean(peer, PEER), clean(type, TYPE), clean(messageId, MESSAGE_ID),
                clean(sender, SENDER), clean(status, STATUS), clean(code, CODE), clean(detail, DETAIL), persons);
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
