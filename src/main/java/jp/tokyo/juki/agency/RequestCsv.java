package jp.tokyo.juki.agency;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The request CSV of an agency file (PROTOCOL §4): UTF-8, the header
 * {@code request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,birth_date,sex,address}
 * in that order, one search per row. A file that breaks the format as a whole is
 * {@link Malformed} (answered with an {@code .err.p7m}); a row that breaks it is answered on its
 * own row. Problems name lines and columns, never values.
 */
public final class RequestCsv {
    public static final List<String> HEADER = List.of("request_id", "business", "key_type", "juminhyo_code", "my_number",
            "name_kana", "name_kanji", "birth_date", "sex", "address");

    /** One search as the agency wrote it; empty cells are {@code null}. */
    public record Row(long line, String requestId, String business, String keyType, String juminhyoCode,
                      String myNumber, String nameKana, String nameKanji, String birthDate, String sex, String address) {
    }

    /** The file as a whole cannot be read; the reason names the line. */
    public static final class Malformed extends Exception {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    private RequestCsv() {
    }

    /** @param maxRows more rows than this make the file malformed (R-SEC: nothing unbounded) */
    public static List<Row> parse(byte[] file, int maxRows) throws Malformed {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(file)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("not UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte-order mark some spreadsheet tools write
        }
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            boolean header = true;
            for (CSVRecord r : parser) {
                if (header) {
                    header = false;
                    if (!r.toList().equals(HEADER)) {
                        throw new Malformed("line 1: the header must be " + String.join(",", HEADER));
                    }
                    continue;
                }
                if (r.size() != HEADER.size()) {
                    throw new Malformed("line " + r.getRecordNumber() + ": " + r.size() + " columns, "
                            + HEADER.size() + " expected");
                }
                if (rows.size() == maxRows) {
                    throw new Malformed("more than " + maxRows + " rows");
                }
                rows.add(new Row(r.getRecordNumber(), cell(r, 0), cell(r, 1), cell(r, 2), cell(r, 3),
                        cell(r, 4), cell(r, 5), cell(r, 6), cell(r, 7), cell(r, 8), cell(r, 9)));
            }
            if (header) {
                throw new Malformed("empty file; line 1 must be the header");
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
            // Commons CSV reports an unclosed quote this way; its message may quote the cell, so it is not passed on
            throw new Malformed("not a CSV file (unbalanced quotes) after " + rows.size() + " rows");
        }
        return rows;
    }

    private static String cell(CSVRecord r, int i) {
        String v = r.get(i).strip();
        return v.isEmpty() ? null : v;
    }
}
