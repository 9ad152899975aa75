package jp.tokyo.juki.forms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDPageContentStream.AppendMode;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The pages of one form being written: A4 portrait, the IPAex Gothic font embedded as a subset, a
 * cursor running down the page, a new page when the next block does not fit, and, once the body
 * is written, the running head (title, form number) and foot (note, {@code n / m}) on every page.
 * Text the font cannot show is printed as 〓 (the customary mark for a missing character) rather
 * than failing the form; variation selectors are dropped (the base character is printed).
 */
final class FormPages implements AutoCloseable {
    static final PDRectangle SIZE = PDRectangle.A4;
    static final float LEFT = 42f;
    static final float RIGHT = SIZE.getWidth() - 42f;
    static final float WIDTH = RIGHT - LEFT;
    static final float TOP = SIZE.getHeight() - 58f;
    static final float BOTTOM = 62f;
    static final String FONT_RESOURCE = "/fonts/ipaexg.ttf";
    private static final char MISSING = '〓';
    private static final String NO_LINE_START = "、。，．）」』】〕・ー：；！？";

    private static volatile byte[] fontBytes;

    private final PDDocument doc = new PDDocument();
    private final TrueTypeFont ttf;
    private final PDType0Font font;
    private final Map<Integer, Float> widths = new HashMap<>();
    private final Map<Integer, Boolean> shown = new HashMap<>();
    private PDPageContentStream out;
    private float y;

    FormPages() {
        TrueTypeFont parsed = null;
        try {
            parsed = new TTFParser().parse(new RandomAccessReadBuffer(fontBytes()));
            // Japanese set horizontally needs no glyph substitution; PDFBox's GSUB pass costs seconds per form
            parsed.setEnableGsub(false);
            font = PDType0Font.load(doc, parsed, true);
            ttf = parsed;
        } catch (IOException e) {
            try {
                doc.close();
                if (parsed != null) {
                    parsed.close();
                }
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("the form font could not be loaded", e);
        }
    }

    /** The cursor: the top of the space left on the current page. */
    float y() {
        return y;
    }

    void down(float by) {
        y -= by;
    }

    /** Starts a page (closing the one before) with the cursor at its top. */
    void newPage() throws IOException {
        if (out != null) {
            out.close();
        }
        PDPage page = new PDPage(SIZE);
        doc.addPage(page);
        out = new PDPageContentStream(doc, page);
        y = TOP;
    }

    /** Makes room for {@code height} points, starting a page when the current one has less; true if it did. */
    boolean room(float height) throws IOException {
        if (out == null || y - height < BOTTOM) {
            newPage();
            return true;
        }
        return false;
    }

    /** Space left on the current page. */
    float left() {
        return y - BOTTOM;
    }

    void text(float x, float baseline, float size, String text) throws IOException {
        String shownText = showable(text);
        if (shownText.isEmpty()) {
            return;
        }
        out.beginText();
        out.setFont(font, size);
        out.newLineAtOffset(x, baseline);
        out.showText(shownText);
        out.endText();
    }

    void textRight(float xRight, float baseline, float size, String text) throws IOException {
        text(xRight - width(text, size), baseline, size, text);
    }

    void textCentre(float xCentre, float baseline, float size, String text) throws IOException {
        text(xCentre - width(text, size) / 2, baseline, size, text);
    }

    void line(float x1, float y1, float x2, float y2, float lineWidth) throws IOException {
        out.setLineWidth(lineWidth);
        out.moveTo(x1, y1);
        out.lineTo(x2, y2);
        out.stroke();
    }

    void fill(float x, float yBottom, float w, float h, float grey) throws IOException {
        out.setNonStrokingColor(grey, grey, grey);
        out.addRect(x, yBottom, w, h);
        out.fill();
        out.setNonStrokingColor(0f, 0f, 0f);
    }

    void box(float x, float yBottom, float w, float h, float lineWidth) throws IOException {
        out.setLineWidth(lineWidth);
        out.addRect(x, yBottom, w, h);
        out.stroke();
    }

    float width(String text, float size) {
        return advance(showable(text)) / 1000f * size;
    }

    /** The advance of already showable text, in glyph units (1/1000 of the font size). */
    private float advance(CharSequence text) {
        float w = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            w += advance(cp);
            i += Character.charCount(cp);
        }
        return w;
    }

    private float advance(int cp) {
        return widths.computeIfAbsent(cp, this::glyphWidth);
    }

    /**
     * Breaks text into lines no wider than {@code max}: at any character (Japanese), before a Latin
     * word or number that would be cut, never starting a line with closing punctuation; explicit
     * line breaks kept. Never returns an empty list.
     */
    List<String> wrap(String text, float size, float max) {
        List<String> lines = new ArrayList<>();
        float limit = max * 1000f / size;
        for (String para : showable(text).split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            float w = 0;
            for (int i = 0; i < para.length(); ) {
                int cp = para.codePointAt(i);
                float cw = advance(cp);
                if (line.length() > 0 && w + cw > limit) {
                    String carry = carry(line, cp);
                    lines.add(line.toString().stripTrailing());
                    line.setLength(0);
                    line.append(carry.stripLeading());
                    w = advance(line);
                }
                line.appendCodePoint(cp);
                w += cw;
                i += Character.charCount(cp);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * What moves from a full line to the next: a cut Latin word or number (from the space before it,
     * or from where the run starts when it is short), or one character before closing punctuation.
     */
    private static String carry(StringBuilder line, int next) {
        int cut = -1;
        int last = line.length() - 1;
        if (isWordChar(next) && isWordChar(line.charAt(last))) {
            int start = last;
            while (start > 0 && isWordChar(line.charAt(start - 1))) {
                start--;
            }
            int space = line.lastIndexOf(" ");
            if (start > 0 && line.charAt(start - 1) == ' ' && line.length() - start < 24) {
                cut = start;
            } else if (start > 0 && line.length() - start < 12) {
                cut = start;
            } else if (space > 0 && line.length() - space < 24) {
                cut = space + 1;
            }
        } else if (NO_LINE_START.indexOf(next) >= 0 && line.length() > 1) {
            cut = last;
        }
        if (cut < 0) {
            return "";
        }
        String tail = line.substring(cut);
        line.setLength(cut);
        return tail;
    }

    private static boolean isWordChar(int c) {
        return c < 0x2000 && Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_';
    }

    /** The text with every character the font lacks replaced by 〓, controls by a space, variation selectors dropped. */
    String showable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n') {
                b.append('\n');
            } else if (Character.isISOControl(cp)) {
                b.append(' ');
            } else if (isVariationSelector(cp)) {
                continue;
            } else if (shown.computeIfAbsent(cp, this::hasGlyph)) {
                b.appendCodePoint(cp);
            } else {
                b.append(MISSING);
            }
        }
        return b.toString();
    }

    private static boolean isVariationSelector(int cp) {
        return cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF;
    }

    private boolean hasGlyph(int cp) {
        try {
            font.encode(new String(Character.toChars(cp)));
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private float glyphWidth(int cp) {
        try {
            return font.getStringWidth(new String(Character.toChars(cp)));
        } catch (IllegalArgumentException | IOException e) {
            return 1000f;
        }
    }

    /**
     * Ends the body and writes the running head and foot on every page: the title and form number
     * on top, the note and {@code n / m} below. Returns the document as PDF bytes.
     */
    byte[] finish(String title, String formNumber, String note) throws IOException {
        if (out == null) {
            newPage();
        }
        out.close();
        out = null;
        int total = doc.getNumberOfPages();
        for (int n = 1; n <= total; n++) {
            PDPage page = doc.getPage(n - 1);
            try (PDPageContentStream s = new PDPageContentStream(doc, page, AppendMode.APPEND, true, true)) {
                out = s;
                float head = SIZE.getHeight() - 34f;
                text(LEFT, head, 8f, title);
                textRight(RIGHT, head, 8f, "帳票番号　" + formNumber);
                line(LEFT, head - 5f, RIGHT, head - 5f, 0.6f);
                float foot = 46f;
                line(LEFT, foot, RIGHT, foot, 0.6f);
                text(LEFT, foot - 12f, 7f, note);
                textRight(RIGHT, foot - 12f, 9f, n + " / " + total);
            }
        }
        out = null;
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle(title + "（" + formNumber + "）");
        info.setCreator("juki-gateway");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        doc.save(bytes);
        return bytes.toByteArray();
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
        try {
            doc.close();
        } finally {
            ttf.close();
        }
    }

    private static byte[] fontBytes() throws IOException {
        byte[] bytes = fontBytes;
        if (bytes == null) {
            try (InputStream in = FormPages.class.getResourceAsStream(FONT_RESOURCE)) {
                if (in == null) {
                    throw new IOException("font resource missing: " + FONT_RESOURCE);
                }
                bytes = in.readAllBytes();
            }
            fontBytes = bytes;
        }
        return bytes;
    }
}
