package jp.tokyo.juki.forms;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What a disclosure form (開示請求に対する帳票, R-DISC) shows, as plain data: the disclosure capability
 * gathers it, {@link FormPdf} prints it. Codes stay codes here (item column names such as
 * {@code name_kanji}, reasons such as {@code MOVE_IN}, provision kinds, national lines): the form
 * prints their Japanese names ({@link FormLabels}). No value of this record is ever logged.
 *
 * @param formNumber the number in the form register (帳票管理簿), printed on every page
 * @param issuedOn the day the form is produced (printed in 和暦 with the Western date)
 * @param issuer who issues it, e.g. 東京都知事
 * @param requestNumber the disclosure request it answers
 * @param store which record: 本人確認情報 (honnin) or 附票本人確認情報 (fuhyo)
 * @param record the current record, item by item in the order printed (label code, value)
 * @param deleted whether the person is deleted (消除) in the store
 * @param formerCodes former 住民票コード of the person (the history below includes what was held under them)
 * @param history the record's changes, oldest first
 * @param notices every notice to the national servers about the person, oldest first
 * @param provisions every provision and transfer to an agency, oldest first, also from audit archives
 */
public record DisclosureForm(String formNumber, LocalDate issuedOn, String issuer, String requestNumber, Store store,
                             List<Item> record, boolean deleted, List<String> formerCodes, List<Change> history,
                             List<Notice> notices, List<Provision> provisions) {

    /** The store the record comes from. */
    public enum Store {
        /** 本人確認情報 (都道府県知事保存本人確認情報) */
        HONNIN,
        /** 附票本人確認情報 (都道府県知事保存附票本人確認情報) */
        FUHYO
    }

    /** One item of the record: its column name (e.g. {@code name_kanji}) and its value as stored. */
    public record Item(String code, String value) {
    }

    /**
     * One change of the record.
     *
     * @param changeDate 異動年月日
     * @param reason the reason code ({@code record.Reason} name)
     * @param recordedAt when the gateway stored it
     * @param changedItems the column names whose value changed (empty for an entry)
     */
    public record Change(LocalDate changeDate, String reason, Instant recordedAt, List<String> changedItems) {
    }

    /**
     * One notice to a national server.
     *
     * @param line {@code NATIONAL} or {@code NATIONAL_FUHYO}
     * @param type the message type
     * @param outcome the status recorded (e.g. {@code ACK})
     */
    public record Notice(Instant at, String line, String type, String outcome) {
    }

    /**
     * One provision (提供) or transfer (移転) to an agency.
     *
     * @param kind {@code PROVISION} or {@code TRANSFER}
     * @param items the column names given (empty when nothing was given)
     * @param outcome the row's status in the answer (e.g. {@code FOUND}, {@code MISMATCH})
     * @param archived whether it was read from an audit archive rather than the live table
     */
    public record Provision(Instant at, String agency, String kind, String business, String legalBasis, List<String> items,
                            String outcome, boolean archived) {
    }
}
