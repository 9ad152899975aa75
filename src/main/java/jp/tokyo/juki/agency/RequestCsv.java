package jp.tokyo.juki.agency;

import java.io.ByteArrayInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
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
 *
 * <p>Read as a stream (issue 15 finding 6): only the rows are kept, each cell at most
 * {@value #MAX_CELL} characters (a longer one is dropped and its row answered {@code INVALID}),
 * a row at most {@value #MAX_ROW_CHARS} characters (else the file is malformed), and the rows
 * together at most the memory the file was given ({@link #rowCost}), else the file is too large.
 */
public final class RequestCsv {
    public static final List<String> HEADER = List.of("request_id", "business", "key_type", "juminhyo_code", "my_number",
            "name_kana", "name_kanji", "birth_date", "sex", "address");
    /** longer than any item PROTOCOL §4 allows (names and addresses are at most 100 characters) */
    static final int MAX_CELL = 1024;
    /** a row this long is no request row; Commons CSV builds a cell whole, so this bounds what one cell costs */
    static final int MAX_ROW_CHARS = 64 * 1024;
    /** what one row costs while its file is answered, besides its text: the row, its work, its result and provision */
    static final long ROW_OVERHEAD = 2048;

    /**
     * One search as the agency wrote it; empty cells are {@code null}. {@code problem}: why the
     * row cannot be a request at all (a cell too long, its value not kept), else {@code null}.
     */
    public record Row(long line, String requestId, String business, String keyType, String juminhyoCode,
                      String myNumber, String nameKana, String nameKanji, String birthDate, String sex, String address,
                      String problem) {
        public Row(long line, String requestId, String business, String keyType, String juminhyoCode, String myNumber,
                   String nameKana, String nameKanji, String birthDate, String sex, String address) {
            this(line, requestId, business, keyType, juminhyoCode, myNumber, nameKana, nameKanji, birthDate, sex, address,
                    null);
        }
    }

    /** The file as a whole cannot be read; the reason names the line. {@code tooLarge}: more rows or memory than allowed. */
    public static final class Malformed extends Exception {
        private final boolean tooLarge;

        Malformed(String reason) {
            this(reason, false);
        }

        Malformed(String reason, boolean tooLarge) {
            super(reason, null, false, false);
            this.tooLarge = tooLarge;
        }

        public boolean tooLarge() {
            return tooLarge;
        }
    }

    private RequestCsv() {
    }

    /** @param maxRows more rows than this make the file malformed (R-SEC: nothing unbounded) */
    public static List<Row> parse(byte[] file, int maxRows) throws Malformed {
        return parse(new ByteArrayInputStream(file), maxRows, Long.MAX_VALUE);
    }

    /**
     * Reads the rows from a stream.
     *
     * @param maxRows     more rows than this: too large
     * @param memoryBytes what the rows may cost together ({@link #rowCost}); more: too large
     */
    public static List<Row> parse(InputStream file, int maxRows, long memoryBytes) throws Malformed {
        Counting text = new Counting(new InputStreamReader(file, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
        List<Row> rows = new ArrayList<>();
        long cost = 0;
        long line = 1;
        try (CSVParser parser = CSVParser.parse(withoutBom(text), format)) {
            boolean header = true;
            for (CSVRecord r : parser) {
                line = r.getRecordNumber() + 1;
                text.recordEnded();
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
                    throw new Malformed("more than " + maxRows + " rows", true);
                }
                Row row = row(r);
                cost += rowCost(row);
                if (cost > memoryBytes) {
                    throw new Malformed("more than " + (memoryBytes >> 20) + " MiB of memory needed for its rows "
                            + "(juki.agency.memory-budget-mb) after " + rows.size() + " rows", true);
                }
                rows.add(row);
            }
            if (header) {
                throw new Malformed("empty file; line 1 must be the header");
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            for (Throwable c = cause; c != null; c = c.getCause()) {
                if (c instanceof CharacterCodingException) {
                    throw new Malformed("not UTF-8");
                }
                if (c instanceof RowTooLong) {
                    throw new Malformed("line " + line + ": longer than " + MAX_ROW_CHARS + " characters");
                }
            }
            // Commons CSV reports an unclosed quote this way; its message may quote the cell, so it is not passed on
            throw new Malformed("not a CSV file (unbalanced quotes) after " + rows.size() + " rows");
        }
        return rows;
    }

    /** What a row costs while its file is answered: its text (two bytes a character at most) and {@link #ROW_OVERHEAD}. */
    static long rowCost(Row r) {
        long chars = 0;
        for (String s : new String[]{r.requestId(), r.business(), r.keyType(), r.juminhyoCode(), r.myNumber(), r.nameKana(),
                r.nameKanji(), r.birthDate(), r.sex(), r.address()}) {
            chars += s == null ? 0 : 48 + 2L * s.length();
        }
        return ROW_OVERHEAD + chars;
    }

    private static Row row(CSVRecord r) {
        String[] cells = new String[HEADER.size()];
        String problem = null;
        for (int i = 0; i < cells.length; i++) {
            String v = r.get(i).strip();
            if (v.length() > MAX_CELL) {
                problem = problem != null ? problem : HEADER.get(i) + ": longer than " + MAX_CELL + " characters";
                v = ""; // not kept: it is no value of any request
            }
            cells[i] = v.isEmpty() ? null : v;
        }
        return new Row(r.getRecordNumber(), cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7],
                cells[8], cells[9], problem);
    }

    /** A byte-order mark some spreadsheet tools write is skipped. */
    private static Reader withoutBom(Reader in) throws IOException {
        PushbackReader p = new PushbackReader(in, 1);
        int first = p.read();
        if (first != -1 && first != '\uFEFF') {
            p.unread(first);
        }
        return p;
    }

    private static final class RowTooLong extends IOException {
        RowTooLong() {
            super("row too long", null);
        }
    }

    /** Refuses to read on once more than a row's worth (and the parser's read-ahead) passed since the last record. */
    private static final class Counting extends FilterReader {
        private static final long SLACK = 64 * 1024; // Commons CSV reads ahead in buffers of a few KiB
        private long read;
        private long atRecord;

        Counting(Reader in) {
            super(in);
        }

        void recordEnded() {
            atRecord = read;
        }

        private void count(int n) throws IOException {
            if (n > 0) {
                read += n;
                if (read - atRecord > MAX_ROW_CHARS + SLACK) {
                    throw new RowTooLong();
                }
            }
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count(c < 0 ? 0 : 1);
            return c;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            int n = super.read(cbuf, off, len);
            count(n);
            return n;
        }
    }
}
