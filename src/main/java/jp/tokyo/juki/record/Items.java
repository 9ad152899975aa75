package jp.tokyo.juki.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The item rules of PROTOCOL §3.4, one method per kind of item. Every method names the item
 * (its JSON path) in the violation and never the value.
 */
public final class Items {
    private static final Pattern GAIJI = Pattern.compile("\\{MJ\\d{6}}");
    private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
    /**
     * Every member name PROTOCOL §2–§3 and docs/protocol.md define. An unknown member is named in
     * a refusal only if its name is one of these words — a protocol word in the wrong place, such
     * as a {@code myNumber} in a fuhyo record; any other name is the peer's text, which may be a
     * name or a number (R-SEC-PII), and is named by its position instead.
     */
    private static final Set<String> PROTOCOL_WORDS = Set.of(
            "v", "id", "type", "sender", "seq", "sentAt", "operator", "terminal", "body",
            "inReplyTo", "status", "code", "detail", "origin",
            "record", "reason", "changeDate", "formerJuminhyoCode", "store", "session", "expected", "chunk",
            "records", "part", "key", "matched", "differing", "missingInStore", "missingAtCs", "items",
            "juminhyoCode", "name", "birthDate", "sex", "address", "myNumber", "retentionFlag", "gaijiFlag",
            "formerSurname", "kanji", "kana", "gaijiCount", "gaijiChangeSeq", "text", "municipalityCode", "azaCode",
            "lastAddress", "managingMunicipalityCode", "gaijiPattern", "noticeKind",
            "fourInfo", "nameKana", "nameKanji", "addressPrefix");

    private Items() {
    }

    /** Refuses members outside {@code allowed} and requires every member of {@code required}. */
    public static JsonNode object(JsonNode parent, String member, String path, Set<String> allowed, Set<String> required)
            throws Violation {
        JsonNode node = parent.get(member);
        if (node == null || node.isNull()) {
            throw Violation.item(path, "required");
        }
        return checkObject(node, path, allowed, required);
    }

    public static JsonNode checkObject(JsonNode node, String path, Set<String> allowed, Set<String> required)
            throws Violation {
        if (!node.isObject()) {
            throw Violation.item(path, "must be an object");
        }
        int position = 0;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            position++;
            if (!allowed.contains(name)) {
                throw PROTOCOL_WORDS.contains(name)
                        ? Violation.item(prefix(path) + name, "unknown item")
                        : Violation.item(path, "member " + position + " unknown (allowed: "
                                + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        for (String name : required) {
            if (!node.has(name) || node.get(name).isNull()) {
                throw Violation.item(prefix(path) + name, "required");
            }
        }
        return node;
    }

    public static String text(JsonNode parent, String member, String path) throws Violation {
        JsonNode node = parent.get(member);
        if (node == null || node.isNull()) {
            throw Violation.item(path, "required");
        }
        if (!node.isTextual()) {
            throw Violation.item(path, "must be a string");
        }
        String s = node.textValue();
        // an escaped half of a surrogate pair decodes to half a character, which no store can keep (stored as "?")
        if (hasLoneSurrogate(s)) {
            throw Violation.item(path, "holds a lone surrogate (not Unicode text)");
        }
        return s;
    }

    public static String digits(JsonNode parent, String member, String path, int length) throws Violation {
        String s = text(parent, member, path);
        if (!CheckDigits.isDigits(s, length)) {
            throw Violation.item(path, "must be " + length + " digits");
        }
        return s;
    }

    public static String juminhyoCode(JsonNode parent, String member, String path) throws Violation {
        String s = digits(parent, member, path, 11);
        if (!CheckDigits.isValidJuminhyoCode(s)) {
            throw new Violation(Violation.Rule.CHECK_DIGIT, path + ": check digit");
        }
        return s;
    }

    public static String myNumber(JsonNode parent, String member, String path) throws Violation {
        String s = digits(parent, member, path, 12);
        if (!CheckDigits.isValidMyNumber(s)) {
            throw new Violation(Violation.Rule.CHECK_DIGIT, path + ": check digit");
        }
        return s;
    }

    /** A municipality code with a valid check digit (whether Tokyo handles it is the caller's rule). */
    public static String municipalityCode(JsonNode parent, String member, String path) throws Violation {
        String s = digits(parent, member, path, 6);
        if (!CheckDigits.isValidMunicipalityCode(s)) {
            throw new Violation(Violation.Rule.CHECK_DIGIT, path + ": check digit");
        }
        return s;
    }

    public static int count(JsonNode parent, String member, String path) throws Violation {
        JsonNode node = parent.get(member);
        if (node == null || node.isNull()) {
            throw Violation.item(path, "required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw Violation.item(path, "must be an integer >= 0");
        }
        return node.intValue();
    }

    public static String oneOf(JsonNode parent, String member, String path, Set<String> values) throws Violation {
        String s = text(parent, member, path);
        if (!values.contains(s)) {
            throw Violation.item(path, "must be one of " + String.join(", ", values.stream().sorted().toList()));
        }
        return s;
    }

    /**
     * A text item (a name, an address): NFC, no character that displays as something else or as
     * nothing ({@link #invisible}), not only spaces (ASCII, 全角 or any other), at least one letter
     * ({@link Character#isLetter}) or {MJnnnnnn} reference (a name of only punctuation, symbols
     * such as U+2800 BRAILLE PATTERN BLANK or marks is no name), at most
     * {@code max} characters counted in code points with variation selectors counted with their
     * base, and exactly {@code gaijiCount} {MJnnnnnn} references.
     */
    public static String text(JsonNode parent, String member, String path, int max, int gaijiCount) throws Violation {
        String s = text(parent, member, path);
        if (s.isEmpty()) {
            throw Violation.item(path, "must not be empty");
        }
        if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
            throw Violation.item(path, "must be NFC");
        }
        String invisible = invisible(s);
        if (invisible != null) {
            throw Violation.item(path, "must not contain " + invisible);
        }
        if (s.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp))) {
            throw Violation.item(path, "must not be blank");
        }
        if (s.codePoints().noneMatch(Character::isLetter) && gaijiReferences(s) == 0) {
            throw Violation.item(path, "must contain a letter or a {MJ......} reference");
        }
        if (visibleLength(s) > max) {
            throw Violation.item(path, "longer than " + max + " characters");
        }
        if (gaijiCount >= 0 && gaijiReferences(s) != gaijiCount) {
            throw Violation.item(path, "gaijiCount does not match the {MJ......} references");
        }
        return s;
    }

    /** Full-width katakana, with spaces between surname and given name allowed. */
    public static String kana(JsonNode parent, String member, String path, int max) throws Violation {
        String s = text(parent, member, path, max, -1);
        boolean ok = s.codePoints().allMatch(cp -> (cp >= 0x30A1 && cp <= 0x30FC) || cp == ' ' || cp == 0x3000);
        if (!ok || s.isBlank()) {
            throw Violation.item(path, "must be full-width katakana");
        }
        return s;
    }

    /** YYYY-MM-DD; with {@code calendar} false a date such as 02-29 of a non-leap year passes (戸籍上の日付). */
    public static String date(JsonNode parent, String member, String path, boolean calendar) throws Violation {
        String s = text(parent, member, path);
        Matcher m = DATE.matcher(s);
        if (!m.matches()) {
            throw Violation.item(path, "must be YYYY-MM-DD");
        }
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        if (month < 1 || month > 12 || day < 1 || day > 31) {
            throw Violation.item(path, "not a date");
        }
        if (calendar) {
            try {
                LocalDate.of(year, month, day);
            } catch (DateTimeException e) {
                throw Violation.item(path, "not a calendar date");
            }
        } else if (day > maxRegisterDay(month)) {
            throw Violation.item(path, "not a date");
        }
        return s;
    }

    /**
     * Nobody changes before they are born: {@code birthDate} (YYYY-MM-DD, possibly a register
     * date such as 02-29 of a non-leap year, so compared as text) not after the change date. A
     * birth is notified with the birth date as its change date.
     */
    public static void bornBy(String birthDate, LocalDate changeDate, String path) throws Violation {
        if (birthDate.compareTo(changeDate.toString()) > 0) {
            throw Violation.item(path, "must not be after body.changeDate");
        }
    }

    /**
     * The {@code fourInfo} key of a national query (PROTOCOL §2.4): any of nameKana, nameKanji,
     * birthDate, sex, addressPrefix, with a name and at least one member that is not a name — so
     * no query is a nationwide search by name alone — and no blank text (a blank prefix would
     * match everyone).
     */
    public static JsonNode fourInfo(JsonNode parent, String member, String path) throws Violation {
        JsonNode f = object(parent, member, path, Set.of("nameKana", "nameKanji", "birthDate", "sex", "addressPrefix"),
                Set.of());
        if (!f.has("nameKana") && !f.has("nameKanji")) {
            throw Violation.item(path, "needs nameKana or nameKanji");
        }
        if (!f.has("birthDate") && !f.has("sex") && !f.has("addressPrefix")) {
            throw Violation.item(path, "needs a name and at least one of birthDate, sex, addressPrefix");
        }
        if (f.has("nameKana")) {
            kana(f, "nameKana", path + ".nameKana", 100);
        }
        if (f.has("nameKanji") && text(f, "nameKanji", path + ".nameKanji", 100, -1).isBlank()) {
            throw Violation.item(path + ".nameKanji", "must not be blank");
        }
        if (f.has("birthDate")) {
            date(f, "birthDate", path + ".birthDate", false);
        }
        if (f.has("sex")) {
            oneOf(f, "sex", path + ".sex", Set.of("1", "2"));
        }
        if (f.has("addressPrefix") && text(f, "addressPrefix", path + ".addressPrefix", 200, -1).isBlank()) {
            throw Violation.item(path + ".addressPrefix", "must not be blank");
        }
        return f;
    }

    /**
     * What a name or address may not hold, or {@code null}: bidirectional controls (they make
     * a name display as something else), zero-width characters (two names that look the same
     * and differ), characters that display as nothing yet are no space (the Hangul fillers
     * U+3164, U+115F, U+1160, U+FFA0, U+2800 BRAILLE PATTERN BLANK, U+034F COMBINING GRAPHEME
     * JOINER: a name of them passed the blank check), and any other control or format character,
     * line or paragraph separator.
     * Variation selectors (IVS) are marks, not format characters, and pass.
     */
    static String invisible(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F
                    || cp == 0x061C) {
                return "bidirectional controls";
            }
            if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF) {
                return "zero-width characters";
            }
            if (cp == 0x3164 || cp == 0x115F || cp == 0x1160 || cp == 0xFFA0 || cp == 0x2800 || cp == 0x034F) {
                return "blank fillers";
            }
            switch (Character.getType(cp)) {
                case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                     Character.SURROGATE -> {
                    return "control characters";
                }
                default -> {
                }
            }
        }
        return null;
    }

    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public static int gaijiReferences(String text) {
        Matcher m = GAIJI.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static int visibleLength(String s) {
        return (int) s.codePoints()
                .filter(cp -> !(cp >= 0xFE00 && cp <= 0xFE0F) && !(cp >= 0xE0100 && cp <= 0xE01EF))
                .count();
    }

    private static int maxRegisterDay(int month) {
        return switch (month) {
            case 2 -> 29;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ".";
    }
}
