package jp.tokyo.juki.harness;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.sim.ResidentSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The people-facing part of the demo (issue 13), each step an operator command through the operator
 * API as the operator whose role allows it: the searcher finds a resident by kana name and birth date
 * with a stated purpose; the manager registers that resident's disclosure request, checks it
 * against the record (4 items 突合) and prints the form — a PDF whose text must name the agency the
 * bulk request of the demo transferred the resident's record to; the manager makes the fiscal year's
 * statistics report with its CSV and chart. Prints one line per step; personal items stay out of
 * the report (the search's result rows are not printed).
 */
final class DemoPeople {
    /** What the steps showed, and whether each did what it should. */
    record Outcome(boolean ok, List<String> report) {
    }

    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");

    private DemoPeople() {
    }

    /**
     * @param bulkCsv the demo's bulk request to 主税局 (its 住民票コード rows name residents the store holds)
     * @param persons how many of {@code residents} the store holds
     * @param out where the form, the CSV and the chart are written
     */
    static Outcome run(DemoOperators operators, ResidentSet residents, long persons, byte[] bulkCsv, Path out)
            throws IOException, InterruptedException {
        List<String> report = new ArrayList<>();
        boolean ok = true;
        HonninRecord person = null;
        String request = null;
        for (String code : transferredCodes(bulkCsv)) {
            HonninRecord candidate = find(residents, persons, code);
            if (candidate == null) {
                continue;
            }
            DemoOperators.Run registered = operators.as(DemoOperators.MANAGER, "disclosure", "register", "--kana",
                    candidate.name().kana(), "--kanji", candidate.name().kanji(), "--birth", candidate.birthDate(), "--sex",
                    candidate.sex(), "--address", candidate.address().text(), "--code", code, "--identity", "MY_NUMBER_CARD");
            String number = registered.output().strip().split("\\s+")[0];
            DemoOperators.Run checked = operators.as(DemoOperators.MANAGER, "disclosure", "check", number);
            if (registered.exit() == 0 && checked.exit() == 0 && checked.output().contains("MATCHED")) {
                person = candidate;
                request = number;
                report.add("disclosure request " + number + " (4 items 突合 as demo-manager): MATCHED");
                break;
            }
            // a resident the consistency step drifted: the requester's items differ from the record
            report.add("disclosure request " + number + ": " + firstLine(checked) + " — the next resident");
        }
        if (person == null) {
            report.add("no resident of the bulk request matched their record: FAILED");
            return new Outcome(false, report);
        }

        DemoOperators.Run search = operators.as(DemoOperators.SEARCHER, "search", "--purpose", "デモ: 開示請求の窓口での本人確認",
                "--kana", person.name().kana(), "--birth", person.birthDate());
        report.add("search by kana name + birth date (as " + DemoOperators.SEARCHER + ", purpose stated): " + firstLine(search));
        ok &= search.exit() == 0 && search.output().contains("match");

        Path pdf = out.resolve("disclosure-" + request + ".pdf");
        Files.deleteIfExists(pdf);
        DemoOperators.Run form = operators.as(DemoOperators.MANAGER, "disclosure", "form", request, "--out", pdf.toString());
        report.add(firstLine(form));
        boolean formOk = form.exit() == 0 && Files.exists(pdf);
        if (formOk) {
            String text;
            try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
                text = new PDFTextStripper().getText(doc);
            }
            // a table cell wraps its text over lines: compare without the line breaks
            String flat = text.replaceAll("\\s+", "");
            boolean names = flat.contains("主税局") && flat.contains("都税の賦課徴収に関する事務");
            report.add("the form shows the transfer to 主税局 (都税の賦課徴収に関する事務): " + (names ? "yes" : "NO"));
            formOk = names;
        }
        ok &= formOk;

        LocalDate today = LocalDate.now(JST);
        int fiscalYear = today.getMonthValue() >= 4 ? today.getYear() : today.getYear() - 1;
        Path csv = out.resolve("statistics.csv");
        Path chart = out.resolve("statistics.png");
        DemoOperators.Run stats = null;
        // the report reads the daily counts a timer rolls up (juki.stats.rollup-ms): wait until the demo's updates and
        // the bulk request's provisions are counted
        for (int i = 0; i < 25 && (stats == null || count(stats, "更新 (updates)") == 0
                || count(stats, "提供 (provisions)") == 0); i++) {
            if (stats != null) {
                Thread.sleep(3_000);
            }
            Files.deleteIfExists(csv);
            Files.deleteIfExists(chart);
            stats = operators.as(DemoOperators.MANAGER, "statistics", "--fiscal-year", Integer.toString(fiscalYear),
                    "--csv", csv.toString(), "--chart", chart.toString());
        }
        long updates = count(stats, "更新 (updates)");
        long provisions = count(stats, "提供 (provisions)");
        report.add(String.format("statistics of 年度 %d (as %s): %d updates, %d provisions counted; CSV %s, chart %s",
                fiscalYear, DemoOperators.MANAGER, updates, provisions, csv, chart));
        ok &= stats.exit() == 0 && updates > 0 && provisions > 0 && Files.exists(csv) && Files.exists(chart);
        return new Outcome(ok, report);
    }

    /** The 住民票コード of the rows the bulk request asked by code for 主税局's own business. */
    private static List<String> transferredCodes(byte[] bulkCsv) throws IOException {
        List<String> codes = new ArrayList<>();
        for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(new String(bulkCsv, StandardCharsets.UTF_8)))) {
            if (r.get("key_type").equals("JUMINHYO_CODE") && r.get("business").equals("SHUZEI-TAX") && codes.size() < 5) {
                codes.add(r.get("juminhyo_code"));
            }
        }
        return codes;
    }

    private static HonninRecord find(ResidentSet residents, long persons, String code) {
        for (long i = 0; i < persons; i++) {
            if (residents.code(i).equals(code)) {
                return residents.honnin(i);
            }
        }
        return null;
    }

    /** The figure of the report's line that starts with {@code prefix}, e.g. {@code 更新 (updates): 6124}. */
    private static long count(DemoOperators.Run stats, String prefix) {
        String l = line(stats, prefix);
        String digits = l.substring(l.indexOf(':') + 1).replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    private static String line(DemoOperators.Run run, String prefix) {
        return run.output().lines().map(String::strip).filter(l -> l.startsWith(prefix)).findFirst().orElse(prefix + ": none");
    }

    private static String firstLine(DemoOperators.Run run) {
        String first = run.output().lines().findFirst().orElse("no output").strip();
        return run.exit() == 0 ? first : "exit " + run.exit() + " — " + first;
    }
}
