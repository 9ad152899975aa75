package jp.tokyo.juki.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import jp.tokyo.juki.record.Reason;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** A report's CSV (UTF-8 with BOM, one count per line in eight columns) and chart (a PNG of its size). */
class ReportFilesTest {
    static Report sample() {
        Instant at = Instant.parse("2026-05-01T00:00:00Z");
        return new Report(Period.fiscalYear(2026), at, at,
                List.of(new Report.Update("131016", "千代田区", "HONNIN", "BIRTH", 3),
                        new Report.Update("131016", "千代田区", "HONNIN", "MOVE_WITHIN", 2),
                        new Report.Update("131041", "新宿区", "FUHYO", "MOVE_IN", 1)),
                List.of(new Report.Provision("suido", "PROVISION", "SUIDO-FEE", "OK", 7),
                        new Report.Provision("suido", "PROVISION", "", "REFUSED", 1)),
                List.of(new Report.National("HONNIN", 5, 1, 2, 0, 0), new Report.National("FUHYO", 1, 0, 0, 1, 1)),
                List.of(new Report.Searches("srch1", 4)),
                List.of(new Report.Check("131016", "千代田区", "HONNIN", at, 10L, 9L, 1L, 0L, 0L, false),
                        new Report.Check("131016", "千代田区", "FUHYO", null, null, null, null, null, null, true)),
                List.of(new Report.Bar("4月", 6, 8), new Report.Bar("5月", 0, 0)), 31);
    }

    @Test
    void theCsvIsUtf8WithABomAndOneCountPerLine() throws Exception {
        byte[] csv = ReportCsv.of(sample());
        assertThat(Arrays.copyOf(csv, 3)).containsExactly(0xEF, 0xBB, 0xBF);
        String text = new String(csv, 3, csv.length - 3, StandardCharsets.UTF_8);
        assertThat(text).contains("\r\n");
        List<CSVRecord> rows = CSVFormat.EXCEL.builder().setHeader().setSkipHeaderRecord(true).get().parse(
                new StringReader(text)).getRecords();
        assertThat(rows.get(0).getParser().getHeaderNames()).isEqualTo(ReportCsv.HEADER);
        assertThat(rows).allSatisfy(r -> assertThat(r.size()).isEqualTo(8));
        assertThat(rows.get(0).toList()).containsExactly("更新", "2026年度 (2026-04-01〜2027-03-31)", "131016", "千代田区",
                "本人確認情報", "出生", "件数", "3");
        assertThat(rows.get(2).toList()).containsExactly("更新", "2026年度 (2026-04-01〜2027-03-31)", "131041", "新宿区",
                "附票本人確認情報", "国内転入", "件数", "1");
        assertThat(rows).filteredOn(r -> r.get(0).equals("更新")).hasSize(3);
        assertThat(rows).filteredOn(r -> r.get(0).equals("提供")).extracting(r -> r.get(4) + "|" + r.get(5) + "|" + r.get(7))
                .containsExactly("SUIDO-FEE|OK|7", "(なし)|REFUSED|1");
        // six measures per national line: sent = accepted + duplicate + refused + unanswered
        assertThat(rows).filteredOn(r -> r.get(0).equals("全国通知") && r.get(2).equals("本人確認情報"))
                .extracting(r -> r.get(6) + "=" + r.get(7))
                .containsExactly("送信=8", "受理=5", "受理済=1", "拒否=2", "無応答=0", "DLQ=0");
        assertThat(rows).filteredOn(r -> r.get(0).equals("検索")).extracting(r -> r.get(2) + "=" + r.get(7))
                .containsExactly("srch1=4");
        // a check made: five counts and the overdue flag; none made: 未実施 and overdue
        assertThat(rows).filteredOn(r -> r.get(0).equals("整合") && r.get(4).equals("本人確認情報")).hasSize(6);
        assertThat(rows).filteredOn(r -> r.get(0).equals("整合") && r.get(4).equals("附票本人確認情報"))
                .extracting(r -> r.get(5) + "|" + r.get(6) + "=" + r.get(7)).containsExactly("未実施|期限超過=1");
    }

    @Test
    void theChartIsAPngOfItsSize() throws Exception {
        byte[] png = ReportChart.png(sample());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(ReportChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(ReportChart.HEIGHT);
        assertThat(png.length).isBetween(5_000, 500_000);
        Files.write(Path.of("target", "statistics-chart-unit.png"), png); // to look at
    }

    @Test
    void everyReasonHasAJapaneseName() {
        for (Reason r : Reason.values()) {
            assertThat(ReasonNames.of(r.name())).as(r.name()).isNotEqualTo(r.name()).matches(".*[\\u3040-\\u9fff].*");
        }
        assertThat(ReasonNames.of("UNKNOWN")).isEqualTo("UNKNOWN");
    }
}
