package jp.tokyo.juki.wire;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The agency files of PROTOCOL §4, as both sides read and write them: the names in the drop
 * folders, the request and result CSV (RFC 4180, UTF-8, a fixed header), the statuses of a result
 * row and the one line of an {@code .err.p7m}. The gateway's agency flow and the agency simulator
 * both use it, so the layout is written down once, here, from the protocol. Problems name lines and
 * columns, never values.
 */
public final class AgencyFileFormat {
    /** A request in {@code inbox/}: {@code <name>.req.p7m}. */
    public static final String REQUEST = ".req.p7m";
    /** A result in {@code outbox/}: {@code <name>.res.p7m}. */
    public static final String RESULT = ".res.p7m";
    /** A refused request's answer in {@code outbox/}: {@code <name>.err.p7m}. */
    public static final String ERROR = ".err.p7m";
    /** What a file is written as before it is renamed to its final name; readers ignore it. */
    public static final String PART = ".part";

    /** The request CSV's header, in its fixed order. */
    public static final List<String> REQUEST_HEADER = List.of("request_id", "business", "key_type", "juminhyo_code",
            "my_number", "name_kana", "name_kanji", "birth_date", "sex", "address");
    /** The result CSV's header, in its fixed order. */
    public static final List<String> RESULT_HEADER = List.of("request_id", "status", "juminhyo_code", "name_kanji",
            "name_kana", "birth_date", "sex", "address", "my_number", "reason", "change_date");
    /**
     * Every {@code status} a result row may have, in the order summaries name them: PROTOCOL §4's
     * six, then {@code MISMATCH} (this gateway's addition, docs/protocol.md: a person found by
     * 住民票コード or My Number whose name or birth date in the row does not match).
     */
    public static final List<String> RESULT_STATUSES = List.of("FOUND", "NOT_FOUND", "MULTIPLE", "REFUSED", "INVALID",
            "FOUND_NATIONAL", "MISMATCH");

    /** RFC 4180; empty lines are no rows. Records are written with CRLF. */
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    private AgencyFileFormat() {
    }

    /** Reads a CSV of these files; a byte-order mark some spreadsheet tools write is skipped. */
    public static CSVParser parse(Reader text) throws IOException {
        return CSVParser.parse(withoutBom(text), CSV);
    }

    /** Writes a CSV of these files (the caller prints the header first). */
    public static CSVPrinter print(Appendable out) throws IOException {
        return new CSVPrinter(out, CSV);
    }

    /** Why the first record is not {@code header} ({@code line 1: the header must be …}), or null when it is. */
    public static String headerProblem(CSVRecord first, List<String> header) {
        return first.toList().equals(header) ? null : "line 1: the header must be " + String.join(",", header);
    }

    /** Why a row does not have the header's columns ({@code line N: M columns, K expected}), or null when it has. */
    public static String columnsProblem(CSVRecord row, List<String> header) {
        return row.size() == header.size() ? null
                : "line " + row.getRecordNumber() + ": " + row.size() + " columns, " + header.size() + " expected";
    }

    /** The content of an {@code .err.p7m}: one line {@code Annn: <what>: <reason>}. */
    public static String errorLine(String code, String what, String reason) {
        return code + ": " + what + ": " + reason + "\n";
    }

    /** The code of an {@code .err.p7m}'s line: what stands before the first colon, or the whole line if none. */
    public static String errorCode(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? line : line.substring(0, colon).strip();
    }

    private static Reader withoutBom(Reader in) throws IOException {
        PushbackReader p = new PushbackReader(in, 1);
        int first = p.read();
        if (first != -1 && first != '\uFEFF') {
            p.unread(first);
        }
        return p;
    }
}
