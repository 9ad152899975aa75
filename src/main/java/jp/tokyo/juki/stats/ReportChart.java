package jp.tokyo.juki.stats;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ChartFactory;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A report's chart as PNG (JFreeChart, drawn headless): updates and provisions per month of a fiscal
 * year or per day of a month, updates per municipality of a day. Japanese labels in IPAex Gothic,
 * shipped on the classpath ({@code /fonts/ipaexg.ttf}, IPA Font License), so the chart looks the same
 * on any host whatever fonts it has.
 */
public final class ReportChart {
    /** The chart's size in pixels. */
    public static final int WIDTH = 960;
    public static final int HEIGHT = 480;
    private static final Font FONT = load();

    private ReportChart() {
    }

    private static Font load() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        try (InputStream in = ReportChart.class.getResourceAsStream("/fonts/ipaexg.ttf")) {
            if (in == null) {
                throw new IllegalStateException("the font /fonts/ipaexg.ttf is not on the classpath");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException | FontFormatException e) {
            throw new IllegalStateException("the font /fonts/ipaexg.ttf could not be read", e);
        }
    }

    /** The PNG of {@code r}'s chart. */
    public static byte[] png(Report r) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        boolean day = r.period().kind() == Period.Kind.DAY;
        for (Report.Bar b : r.timeline()) {
            data.addValue(b.updates(), "更新件数", b.label());
            if (!day) {
                data.addValue(b.provisions(), "提供件数", b.label());
            }
        }
        String axis = switch (r.period().kind()) {
            case FISCAL_YEAR -> "月";
            case MONTH -> "日";
            case DAY -> "市区町村";
        };
        JFreeChart chart = ChartFactory.createBarChart(r.period().label() + " 更新・提供件数", axis, "件数", data,
                PlotOrientation.VERTICAL, true, false, false);
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        theme.setExtraLargeFont(FONT.deriveFont(Font.BOLD, 18f));
        theme.setLargeFont(FONT.deriveFont(14f));
        theme.setRegularFont(FONT.deriveFont(12f));
        theme.setSmallFont(FONT.deriveFont(10f));
        theme.apply(chart);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        if (r.timeline().size() > 12) {
            plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(0x1f, 0x5f, 0x99));
        bars.setSeriesPaint(1, new Color(0xe0, 0x8a, 0x1e));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array does not fail", e);
        }
        return out.toByteArray();
    }
}
