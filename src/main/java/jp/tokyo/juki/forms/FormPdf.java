package jp.tokyo.juki.forms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.forms.DisclosureForm.Change;
import jp.tokyo.juki.forms.DisclosureForm.Item;
import jp.tokyo.juki.forms.DisclosureForm.Notice;
import jp.tokyo.juki.forms.DisclosureForm.Provision;
import jp.tokyo.juki.forms.DisclosureForm.Store;

/**
 * Prints forms as PDF: A4 portrait, Japanese, the IPAex Gothic font embedded as a subset so the
 * text can be read back and printed anywhere. The disclosure capability calls {@link #disclosure}.
 * Nothing here logs a value of the form.
 */
public final class FormPdf {
    private static final float TITLE_SIZE = 16f;
    private static final float BODY_SIZE = 9f;
    private static final float HEADING_SIZE = 11f;
    private static final String NONE = "該当なし";

    private FormPdf() {
    }

    /** The title of the disclosure form of a store: 本人確認情報開示書 or 附票本人確認情報開示書. */
    public static String title(Store store) {
        return store == Store.FUHYO ? "附票本人確認情報開示書" : "本人確認情報開示書";
    }

    /** The disclosure form as PDF bytes: every provision, notice and change of the form is printed. */
    public static byte[] disclosure(DisclosureForm form) {
        try (FormPages pages = new FormPages()) {
            String information = form.store() == Store.FUHYO ? "附票本人確認情報" : "本人確認情報";
            pages.newPage();
            heading(pages, form, information);
            current(pages, form);
            formerCodes(pages, form);
            history(pages, form);
            notices(pages, form);
            provisions(pages, form);
            closing(pages);
            String note = "この帳票は、住民基本台帳法に基づく自己の" + information + "の開示請求（請求番号 "
                    + form.requestNumber() + "）に対し、" + form.issuer() + "が交付するものです。";
            return pages.finish(title(form.store()), form.formNumber(), note);
        } catch (IOException e) {
            throw new UncheckedIOException("the disclosure form could not be printed", e);
        }
    }

    private static void heading(FormPages pages, DisclosureForm form, String information) throws IOException {
        pages.textCentre(FormPages.LEFT + FormPages.WIDTH / 2, pages.y() - 22f, TITLE_SIZE, title(form.store()));
        pages.down(42f);
        List<String[]> grid = List.of(
                new String[] {"帳票番号", form.formNumber(), "交付年月日", Wareki.dateWithWestern(form.issuedOn())},
                new String[] {"請求番号", form.requestNumber(), "交付者", form.issuer()},
                new String[] {"開示する情報", information, "記録の状態", form.deleted() ? "消除" : "現存"});
        new FormTable(null, 16, 30, 16, 38).shade(0, 2).draw(pages, grid);
        pages.down(12f);
        paragraph(pages, "あなたからの開示請求に基づき、" + form.issuer() + "が保存するあなたの" + information
                + "、その変更の履歴、地方公共団体情報システム機構への通知の状況、及び国の機関等への提供・移転の状況を、"
                + "次のとおり開示します。日時は日本標準時です。");
    }

    private static void current(FormPages pages, DisclosureForm form) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (Item item : orEmpty(form.record())) {
            rows.add(new String[] {FormLabels.item(item.code()), FormLabels.value(item.code(), item.value())});
        }
        block(pages, "1　現在の記録", form.deleted() ? "消除" : null,
                form.deleted() ? "この記録は消除されています（消除された時点の記録を示します）。" : null,
                new FormTable(new String[] {"項目", "内容"}, 28, 72).shade(0), rows);
    }

    private static void formerCodes(FormPages pages, DisclosureForm form) throws IOException {
        if (orEmpty(form.formerCodes()).isEmpty()) {
            return;
        }
        List<String[]> rows = new ArrayList<>();
        int n = 1;
        for (String code : orEmpty(form.formerCodes())) {
            rows.add(new String[] {Integer.toString(n++), code});
        }
        block(pages, "旧住民票コード", null, "以下の各欄には、これらの旧住民票コードで保存されていた記録も含めています。",
                new FormTable(new String[] {"番号", "旧住民票コード"}, 6, 94), rows);
    }

    private static void history(FormPages pages, DisclosureForm form) throws IOException {
        List<String[]> rows = new ArrayList<>();
        int n = 1;
        for (Change c : orEmpty(form.history())) {
            rows.add(new String[] {Integer.toString(n++), Wareki.date(c.changeDate()), FormLabels.reason(c.reason()),
                    Wareki.dateTime(c.recordedAt()), orEmpty(c.changedItems()).isEmpty() ? "（記載）" : FormLabels.items(c.changedItems())});
        }
        block(pages, "2　変更履歴", null, null, new FormTable(new String[] {"番号", "異動年月日", "異動事由", "記録日時",
                "変更項目"}, 6, 17, 19, 22, 36), rows);
    }

    private static void notices(FormPages pages, DisclosureForm form) throws IOException {
        List<String[]> rows = new ArrayList<>();
        int n = 1;
        for (Notice notice : orEmpty(form.notices())) {
            rows.add(new String[] {Integer.toString(n++), Wareki.dateTime(notice.at()), FormLabels.line(notice.line()),
                    FormLabels.noticeType(notice.type()), FormLabels.outcome(notice.outcome())});
        }
        block(pages, "3　機構への通知", null, null,
                new FormTable(new String[] {"番号", "日時", "通知先", "種別", "結果"}, 6, 22, 38, 20, 14), rows);
    }

    private static void provisions(FormPages pages, DisclosureForm form) throws IOException {
        List<Provision> all = orEmpty(form.provisions());
        String legend = null;
        if (!all.isEmpty()) {
            long transfers = all.stream().filter(p -> "TRANSFER".equals(p.kind())).count();
            legend = ("合計 " + all.size() + " 件（提供 " + (all.size() - transfers) + " 件、移転 " + transfers
                    + " 件）。結果欄の「照合不一致」は、照会元から受け取った氏名・生年月日等が記録と一致しなかったため、何も提供しなかったもの、「提供（機構）」は地方公共団体情報システム機構から得た情報で回答したものです。備考欄の「保存記録」は、監査記録の保存ファイルから読み出したものです。");
        }
        List<String[]> rows = new ArrayList<>();
        int n = 1;
        for (Provision p : all) {
            rows.add(new String[] {Integer.toString(n++), Wareki.dateTime(p.at()).replace(' ', '\n'), p.agency(), FormLabels.kind(p.kind()),
                    p.business(), p.legalBasis(), FormLabels.items(p.items()), FormLabels.outcome(p.outcome()),
                    p.archived() ? "保存記録" : ""});
        }
        block(pages, "4　提供・移転の状況", null, legend, new FormTable(new String[] {"番号", "日時", "提供先", "区分", "事務",
                "根拠法令", "提供項目", "結果", "備考"}, 4.5f, 15, 13, 5.5f, 14.5f, 14.5f, 14.5f, 11, 8), rows);
    }

    private static void closing(FormPages pages) throws IOException {
        pages.room(20f);
        pages.textRight(FormPages.RIGHT, pages.y() - 16f, BODY_SIZE + 1f, "以上");
        pages.down(22f);
    }

    /**
     * A section: its heading (with a boxed mark such as 消除), an optional note and its table, or
     * 該当なし when it has no rows; the heading is kept on the page of the note and the first row.
     */
    private static void block(FormPages pages, String title, String mark, String note, FormTable table,
                              List<String[]> rows) throws IOException {
        List<String> noteLines = note == null ? List.of() : pages.wrap(note, BODY_SIZE, FormPages.WIDTH);
        float body = rows.isEmpty() ? BODY_SIZE + 8f : table.start(pages, rows);
        pages.room(HEADING_SIZE + 20f + noteLines.size() * (BODY_SIZE + 5f) + 3f + body);
        pages.down(10f);
        float baseline = pages.y() - HEADING_SIZE;
        pages.text(FormPages.LEFT, baseline, HEADING_SIZE, title);
        if (mark != null) {
            float x = FormPages.LEFT + pages.width(title, HEADING_SIZE) + 12f;
            float w = pages.width(mark, HEADING_SIZE) + 8f;
            pages.box(x, baseline - 3.5f, w, HEADING_SIZE + 5f, 1.2f);
            pages.text(x + 4f, baseline, HEADING_SIZE, mark);
        }
        pages.line(FormPages.LEFT, baseline - 5f, FormPages.RIGHT, baseline - 5f, 0.9f);
        pages.down(HEADING_SIZE + 10f);
        if (!noteLines.isEmpty()) {
            pages.down(2f);
            paragraph(pages, note);
        }
        if (rows.isEmpty()) {
            pages.text(FormPages.LEFT + 8f, pages.y() - BODY_SIZE - 2f, BODY_SIZE, NONE);
            pages.down(BODY_SIZE + 8f);
            return;
        }
        table.caption(title).draw(pages, rows);
        pages.down(4f);
    }

    private static void paragraph(FormPages pages, String text) throws IOException {
        for (String line : pages.wrap(text, BODY_SIZE, FormPages.WIDTH)) {
            pages.room(BODY_SIZE + 5f);
            pages.text(FormPages.LEFT, pages.y() - BODY_SIZE, BODY_SIZE, line);
            pages.down(BODY_SIZE + 5f);
        }
        pages.down(3f);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
