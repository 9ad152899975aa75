package jp.tokyo.juki.platform;

/**
 * PostgreSQL {@code COPY … FROM STDIN} in text format: each value escaped so that nothing it
 * contains (a tab, a line break, a backslash) can end a column or a row early; {@code null} as
 * {@code \N}.
 */
public final class CopyText {
    private CopyText() {
    }

    /** Appends {@code value} escaped (no separator). */
    public static StringBuilder append(StringBuilder sb, String value) {
        if (value == null) {
            return sb.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb;
    }
}
