package jp.tokyo.juki.sim;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * What the gateway answered an agency's request file with (PROTOCOL §4): the result rows of a
 * {@code <name>.res.p7m}, or the reason of a {@code <name>.err.p7m} (the file could not be
 * opened, verified or parsed, or a manager rejected it).
 */
public sealed interface AgencyAnswer {
    /**
     * The result CSV's header, in its fixed order — as PROTOCOL §4 writes it, not taken from the
     * gateway's code, so that a gateway straying from the protocol is caught here.
     */
    List<String> RESULT_HEADER = List.of("request_id", "status", "juminhyo_code", "name_kanji", "name_kana",
            "birth_date", "sex", "address", "my_number", "reason", "change_date");
    /** Every status a result row may have, in the order summaries name them. */
    List<String> STATUSES = List.of("FOUND", "NOT_FOUND", "MULTIPLE", "REFUSED", "INVALID", "FOUND_NATIONAL");

    /** The answer file's name in {@code outbox/}. */
    String file();

    /**
     * A {@code .res.p7m}: one row per request row. {@code csv} is the decrypted file as the
     * gateway wrote it (personal data); {@code rows} keep only what a summary or a check needs.
     */
    record Result(String file, byte[] csv, List<Row> rows) implements AgencyAnswer {
        /** Rows per status, every status of {@link #STATUSES} present (0 if none), in that order. */
        public Map<String, Long> byStatus() {
            Map<String, Long> counts = new LinkedHashMap<>();
            STATUSES.forEach(s -> counts.put(s, 0L));
            rows.forEach(r -> counts.merge(r.status(), 1L, Long::sum));
            return counts;
        }

        /** {@code FOUND a, NOT_FOUND b, …}: counts only, never a value. */
        public String summary() {
            return byStatus().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
        }
    }

    /** One answered row: the agency's request id, the status and the gateway's reason (rules, never values). */
    record Row(long line, String requestId, String status, String reason) {
    }

    /** An {@code .err.p7m}: the whole file was refused, with the gateway's {@code CODE: reason}. */
    record FileError(String file, String reason) implements AgencyAnswer {
        /** The code before the colon, or the whole reason if it has none. */
        public String code() {
            int colon = reason.indexOf(':');
            return colon < 0 ? reason : reason.substring(0, colon).strip();
        }
    }

    /** The answer's content breaks PROTOCOL §4; the message names lines and columns, never values. */
    final class Malformed extends Exception {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Reads a decrypted result CSV: UTF-8, the fixed header, a known status in every row. */
    static Result result(String file, byte[] csv) throws Malformed {
        String text = utf8(csv);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text),
                CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get())) {
            boolean header = true;
            for (CSVRecord r : parser) {
                if (header) {
                    header = false;
                    if (!r.toList().equals(RESULT_HEADER)) {
                        throw new Malformed(file + " line 1: the header must be " + String.join(",", RESULT_HEADER));
                    }
                    continue;
                }
                if (r.size() != RESULT_HEADER.size()) {
                    throw new Malformed(file + " line " + r.getRecordNumber() + ": " + r.size() + " columns, "
                            + RESULT_HEADER.size() + " expected");
                }
                if (!STATUSES.contains(r.get(1))) {
                    throw new Malformed(file + " line " + r.getRecordNumber() + ": status is not one of "
                            + String.join(", ", STATUSES));
                }
                rows.add(new Row(r.getRecordNumber(), r.get(0), r.get(1), r.get(9)));
            }
            if (header) {
                throw new Malformed(file + ": empty; line 1 must be the header");
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new Malformed(file + ": not a CSV file (unbalanced quotes) after " + rows.size() + " rows");
        }
        return new Result(file, csv, List.copyOf(rows));
    }

    /** Reads the decrypted content of an {@code .err.p7m}: one line of UTF-8 text. */
    static FileError fileError(String file, byte[] content) throws Malformed {
        return new FileError(file, utf8(content).strip());
    }

    private static String utf8(byte[] bytes) throws Malformed {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("not UTF-8");
        }
    }
}
