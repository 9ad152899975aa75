package jp.tokyo.juki.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import jp.tokyo.juki.forms.DisclosureForm.Provision;

/** The disclosure form as a reader gets it: its text read back from the PDF, and its pages as pictures. */
class FormPdfTest {
    private static final Path DOCS = Path.of("docs", "forms");

    @Test
    void everyProvisionIsPrintedOnNumberedPagesInJapanese() throws Exception {
        DisclosureForm form = SampleForms.busy();
        byte[] pdf = FormPdf.disclosure(form);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            int pages = doc.getNumberOfPages();
            assertTrue(pages > 1, "pages: " + pages);
            List<String> texts = pageTexts(doc);
            String all = String.join("", texts);
            String flat = flat(all);
            for (Provision p : form.provisions()) {
                String row = flat(p.agency() + FormLabels.kind(p.kind()) + p.business() + p.legalBasis());
                assertTrue(flat.contains(row), "provision printed: " + p.legalBasis());
            }
            assertEquals(150, form.provisions().stream().map(Provision::legalBasis).distinct().count());
            for (int n = 1; n <= pages; n++) {
                String page = texts.get(n - 1);
                assertTrue(page.contains(n + " / " + pages), "page number on page " + n);
                assertTrue(page.contains("帳票番号　" + form.formNumber()), "form number on page " + n);
                PDRectangle box = doc.getPage(n - 1).getMediaBox();
                assertEquals(PDRectangle.A4.getWidth(), box.getWidth(), 0.5);
                assertEquals(PDRectangle.A4.getHeight(), box.getHeight(), 0.5);
            }
            assertTrue(all.contains("本人確認情報開示書"));
            assertTrue(all.contains("令和7年4月1日（2025年4月1日）"), "issue date in 和暦 with the Western date");
            assertTrue(flat.contains("昭和50年3月5日（1975年3月5日）"), "birth date in 和暦");
            assertTrue(flat.contains("平成11年8月10日"), "change dates in 和暦");
            assertTrue(all.contains("98765432109"), "former 住民票コード");
            assertTrue(all.contains("123456789018"), "the person's own My Number in full");
            assertTrue(flat.contains("漢字氏名") && flat.contains("都民花子") && flat.contains("女"));
            assertTrue(flat.contains("4　提供・移転の状況（続き）".replace("　", "")), "header repeated on the next page");
            assertTrue(flat.contains("合計150件（提供"), "the count of provisions");
            assertTrue(flat.contains("照合不一致") && flat.contains("保存記録"));
            assertFalse(all.contains("該当なし"), "no section is empty");
            assertFontEmbedded(doc);
            assertEquals("本人確認情報開示書（R7-開示-000123）", doc.getDocumentInformation().getTitle());
        }
        render(pdf, "sample");
    }

    @Test
    void aPersonNothingWasProvidedAboutGetsOnePageSaying該当なし() throws Exception {
        DisclosureForm form = SampleForms.quiet();
        byte[] pdf = FormPdf.disclosure(form);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertEquals(1, doc.getNumberOfPages());
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("附票本人確認情報開示書"));
            assertTrue(text.contains("1 / 1"));
            assertTrue(text.contains("消除"));
            assertEquals(2, text.split("該当なし", -1).length - 1, "notices and provisions: 該当なし");
            assertTrue(flat(text).contains("大正12年2月29日（1923年2月29日）"), "a birth date only the register has");
            assertTrue(flat(text).contains("令和元年5月1日"), "元年");
            assertTrue(text.contains("国外転出者"));
            assertFontEmbedded(doc);
        }
        render(pdf, "sample-none");
    }

    @Test
    void charactersTheFontLacksArePrintedAsGetaNotAFailure() throws Exception {
        DisclosureForm busy = SampleForms.busy();
        DisclosureForm form = new DisclosureForm(busy.formNumber(), busy.issuedOn(), busy.issuer(), busy.requestNumber(),
                busy.store(), List.of(new DisclosureForm.Item("name_kanji", "\uD842\uDFB7野\uDB40\uDD00　太郎\u0007"),
                new DisclosureForm.Item("unknown_item", "x")), false, List.of(), List.of(), List.of(), List.of());
        try (PDDocument doc = Loader.loadPDF(FormPdf.disclosure(form))) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("野　太郎") || text.contains("野 太郎"), text);
            assertTrue(text.contains("unknown_item"), "an unknown code printed as itself");
        }
    }

    @Test
    void aCellLongerThanAPageIsSplitAcrossPagesNotLost() throws Exception {
        StringBuilder business = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            business.append("長い事務の名称").append(i).append("、");
        }
        business.append("最後の一文");
        DisclosureForm busy = SampleForms.busy();
        List<Provision> provisions = new ArrayList<>(SampleForms.provisions(3));
        provisions.add(1, new Provision(busy.issuedOn().atStartOfDay(Wareki.JST).toInstant(), "見本庁", "PROVISION",
                business.toString(), "見本法第一条", null, "FOUND", false));
        DisclosureForm form = new DisclosureForm("F-1", busy.issuedOn(), "東京都知事", "Q-1", busy.store(), List.of(), false,
                null, null, null, provisions);
        byte[] pdf = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> FormPdf.disclosure(form));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertTrue(doc.getNumberOfPages() >= 3, "pages: " + doc.getNumberOfPages());
            String flat = flat(new PDFTextStripper().getText(doc));
            assertTrue(flat.contains("長い事務の名称0、") && flat.contains("最後の一文"));
            assertTrue(flat.contains("見本法第一条"));
            for (Provision p : SampleForms.provisions(3)) {
                assertTrue(flat.contains(flat(p.agency() + "提供" + p.business() + p.legalBasis())));
            }
        }
    }

    private static void assertFontEmbedded(PDDocument doc) throws IOException {
        for (PDPage page : doc.getPages()) {
            int fonts = 0;
            for (COSName name : page.getResources().getFontNames()) {
                PDFont font = page.getResources().getFont(name);
                assertTrue(font.isEmbedded(), "font embedded: " + font.getName());
                assertTrue(font.getName().contains("IPAexGothic"), font.getName());
                fonts++;
            }
            assertTrue(fonts > 0);
        }
    }

    private static List<String> pageTexts(PDDocument doc) throws IOException {
        List<String> texts = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper();
        for (int n = 1; n <= doc.getNumberOfPages(); n++) {
            stripper.setStartPage(n);
            stripper.setEndPage(n);
            texts.add(stripper.getText(doc));
        }
        return texts;
    }

    private static String flat(String text) {
        return text.replaceAll("[\\s　]", "");
    }

    /** The form's pages as PNG in docs/forms (prefix-1.png …), for a reader to see; skipped without pdftoppm. */
    private static void render(byte[] pdf, String prefix) throws Exception {
        assumeTrue(onPath("pdftoppm"), "pdftoppm not installed");
        Files.createDirectories(DOCS);
        try (Stream<Path> old = Files.list(DOCS)) {
            for (Path p : old.filter(p -> p.getFileName().toString().matches(prefix + "-\\d+\\.png")).toList()) {
                Files.delete(p);
            }
        }
        Path file = Files.createTempFile("disclosure", ".pdf");
        try {
            Files.write(file, pdf);
            Process p = new ProcessBuilder("pdftoppm", "-png", "-r", "80", file.toString(), DOCS.resolve(prefix).toString())
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pdftoppm finished");
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        } finally {
            Files.deleteIfExists(file);
        }
        try (Stream<Path> made = Files.list(DOCS)) {
            assertTrue(made.anyMatch(p -> p.getFileName().toString().matches(prefix + "-0*1\\.png")));
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
