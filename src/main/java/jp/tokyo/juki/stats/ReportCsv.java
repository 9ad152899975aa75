package jp.tokyo.juki.stats;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A report as one CSV file in long format — one count per line, every section in the same eight
 * columns ({@code 区分,期間,項目1,項目2,項目3,項目4,指標,値}) — so a spreadsheet's filter or pivot
 * table takes the whole report at once. UTF-8 with a byte-order mark, CRLF: Excel opens the
 * Japanese as it is. Section by section (docs/operations/statistics.md):
 * <ul>
 * <li>更新: 市区町村コード, 市区町村名, 本人確認情報/附票, 異動事由 — 件数</li>
 * <li>提供: 機関, 提供/移転, 業務, 結果 — 件数</li>
 * <li>全国通知: 本人確認情報/附票 — 送信, 受理, 受理済, 拒否, 無応答, DLQ</li>
 * <li>検索: 操作者ID — 件数</li>
 * <li>整合: 市区町村コード, 市区町村名, 本人確認情報/附票, 最終実施 (未実施) — 照合件数, 一致, 不一致, ストアに無し, CSに無し, 期限超過 (1/0)</li>
 * </ul>
 */
public final class ReportCsv {
    /** The header line's columns. */
    public static final List<String> HEADER = List.of("区分", "期間", "項目1", "項目2", "項目3", "項目4", "指標", "値");
    private static final String BOM = "\uFEFF";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Tokyo"));

    private ReportCsv() {
    }

    /** The CSV file's bytes. */
    public static byte[] of(Report r) {
        StringWriter out = new StringWriter();
        out.write(BOM);
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.EXCEL.builder().setHeader(HEADER.toArray(String[]::new)).get())) {
            String period = r.period().label();
            for (Report.Update u : r.updates()) {
                p.printRecord("更新", period, u.municipality(), u.municipalityName(), store(u.store()),
                        ReasonNames.of(u.reason()), "件数", u.count());
            }
            for (Report.Provision v : r.provisions()) {
                p.printRecord("提供", period, v.agency(), "TRANSFER".equals(v.kind()) ? "移転" : "提供",
                        v.business().isEmpty() ? "(なし)" : v.business(), v.outcome(), "件数", v.count());
            }
            for (Report.National n : r.national()) {
                String line = store(n.line());
                long[] values = {n.sent(), n.accepted(), n.duplicate(), n.refused(), n.unanswered(), n.deadLettered()};
                String[] names = {"送信", "受理", "受理済", "拒否", "無応答", "DLQ"};
                for (int i = 0; i < values.length; i++) {
                    p.printRecord("全国通知", period, line, "", "", "", names[i], values[i]);
                }
            }
            for (Report.Searches s : r.searches()) {
                p.printRecord("検索", period, s.operator().isEmpty() ? "(なし)" : s.operator(), "", "", "", "件数", s.count());
            }
            for (Report.Check k : r.consistency()) {
                String when = k.checkedAt() == null ? "未実施" : TIME.format(k.checkedAt());
                if (k.checkedAt() != null) {
                    Long[] values = {k.records(), k.matched(), k.differing(), k.missingInStore(), k.missingAtCs()};
                    String[] names = {"照合件数", "一致", "不一致", "ストアに無し", "CSに無し"};
                    for (int i = 0; i < values.length; i++) {
                        p.printRecord("整合", period, k.municipality(), k.municipalityName(), store(k.store()), when,
                                names[i], values[i]);
                    }
                }
                p.printRecord("整合", period, k.municipality(), k.municipalityName(), store(k.store()), when, "期限超過",
                        k.overdue() ? 1 : 0);
            }
        } catch (IOException e) {
            throw new IllegalStateException("a StringWriter does not fail", e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** 本人確認情報 or 附票本人確認情報. */
    static String store(String store) {
        return "FUHYO".equals(store) ? "附票本人確認情報" : "本人確認情報";
    }
}
