package jp.tokyo.juki.forms;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A ruled table on a form: fixed column widths, cells wrapped to their column, a shaded header row
 * repeated at the top of every page the table runs onto (with the section caption marked 続き), and
 * rows split between pages only when a single row is taller than what is left.
 */
final class FormTable {
    static final float SIZE = 8f;
    static final float LEADING = 10.6f;
    static final float PAD = 3f;
    private static final float RULE = 0.5f;
    private static final float HEADER_GREY = 0.88f;

    private final String[] headers;
    private final float[] widths;
    private final boolean[] shadedColumns;
    private String caption;

    /**
     * @param headers the header row, or null for a table without one
     * @param fractions each column's share of the text width (they are scaled to add up to it)
     */
    FormTable(String[] headers, float... fractions) {
        this.headers = headers;
        float sum = 0;
        for (float f : fractions) {
            sum += f;
        }
        widths = new float[fractions.length];
        for (int i = 0; i < fractions.length; i++) {
            widths[i] = FormPages.WIDTH * fractions[i] / sum;
        }
        shadedColumns = new boolean[fractions.length];
    }

    /** Shades the given columns' cells like a header (for item / value grids). */
    FormTable shade(int... columns) {
        for (int c : columns) {
            shadedColumns[c] = true;
        }
        return this;
    }

    /** The caption printed again, marked （続き）, above the header when the table continues on a new page. */
    FormTable caption(String text) {
        caption = text;
        return this;
    }

    /** The height of the header row and one line: what must fit before a table starts. */
    float minimum() {
        return (headers == null ? 0 : LEADING + 2 * PAD) + LEADING + 2 * PAD;
    }

    /** What must fit before the table starts: its header and its first row (or one line of a very tall one). */
    float start(FormPages pages, List<String[]> rows) {
        if (rows.isEmpty()) {
            return minimum();
        }
        float first = cells(pages, rows.get(0)).stream().mapToInt(List::size).max().orElse(1) * LEADING + 2 * PAD;
        return minimum() - LEADING - 2 * PAD + Math.min(first, (FormPages.TOP - FormPages.BOTTOM) / 3);
    }

    void draw(FormPages pages, List<String[]> rows) throws IOException {
        if (pages.room(start(pages, rows))) {
            continuation(pages);
        }
        header(pages);
        for (String[] row : rows) {
            List<List<String>> cells = cells(pages, row);
            int lines = cells.stream().mapToInt(List::size).max().orElse(1);
            int from = 0;
            while (from < lines) {
                int fit = (int) Math.floor((pages.left() - 2 * PAD) / LEADING);
                boolean whole = fit >= lines - from;
                if (fit < 1 || !whole && lines * LEADING + 2 * PAD < FormPages.TOP - FormPages.BOTTOM - minimum() - 16f) {
                    pages.newPage();
                    continuation(pages);
                    header(pages);
                    continue;
                }
                int count = Math.min(fit, lines - from);
                segment(pages, cells, from, count, false);
                from += count;
            }
        }
    }

    private List<List<String>> cells(FormPages pages, String[] row) {
        List<List<String>> cells = new ArrayList<>();
        for (int c = 0; c < widths.length; c++) {
            cells.add(pages.wrap(c < row.length ? row[c] : "", SIZE, widths[c] - 2 * PAD));
        }
        return cells;
    }

    private void continuation(FormPages pages) throws IOException {
        if (caption != null) {
            pages.text(FormPages.LEFT, pages.y() - 10f, 9f, caption + "（続き）");
            pages.down(16f);
        }
    }

    private void header(FormPages pages) throws IOException {
        if (headers == null) {
            return;
        }
        List<List<String>> cells = new ArrayList<>();
        for (int c = 0; c < widths.length; c++) {
            cells.add(pages.wrap(headers[c], SIZE, widths[c] - 2 * PAD));
        }
        int lines = cells.stream().mapToInt(List::size).max().orElse(1);
        segment(pages, cells, 0, lines, true);
    }

    /** Draws lines [from, from+count) of a row's cells as one ruled band and moves the cursor below it. */
    private void segment(FormPages pages, List<List<String>> cells, int from, int count, boolean header)
            throws IOException {
        float top = pages.y();
        float height = count * LEADING + 2 * PAD;
        float bottom = top - height;
        float x = FormPages.LEFT;
        for (int c = 0; c < widths.length; c++) {
            if (header || shadedColumns[c]) {
                pages.fill(x, bottom, widths[c], height, HEADER_GREY);
            }
            List<String> lines = cells.get(c);
            for (int i = 0; i < count && from + i < lines.size(); i++) {
                float baseline = top - PAD - (i + 1) * LEADING + (LEADING - SIZE) / 2 + 1.2f;
                String text = lines.get(from + i);
                if (header) {
                    pages.textCentre(x + widths[c] / 2, baseline, SIZE, text);
                } else {
                    pages.text(x + PAD, baseline, SIZE, text);
                }
            }
            x += widths[c];
        }
        pages.box(FormPages.LEFT, bottom, FormPages.WIDTH, height, RULE);
        x = FormPages.LEFT;
        for (int c = 0; c < widths.length - 1; c++) {
            x += widths[c];
            pages.line(x, top, x, bottom, RULE);
        }
        pages.down(height);
    }
}
