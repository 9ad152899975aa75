package jp.tokyo.juki.operator;

import java.util.Locale;

/**
 * What an operator is allowed to do, in duties that are kept apart (SPEC R-SEC-AUTHZ; the
 * assessment's 照合情報等管理簿 and 委託業者には閲覧・更新権限を付与しない). A role is granted in the
 * operator register by an administrator; {@link Permission} lists, per API action, the roles that
 * may take it. Stored as {@link #name()} (lower case in the API and the console).
 */
public enum Role {
    /** queries of persons (national query, later search) */
    SEARCHER("検索担当者"),
    /** bulk approvals of agency requests, disclosures */
    MANAGER("管理責任者"),
    /** audit query, verify, export, trim, log analysis */
    AUDITOR("監査担当者"),
    /** the operator register; dead-letter reveal, replay and discard */
    ADMINISTRATOR("システム管理者"),
    /** status, configuration check, dead-letter list and link figures: never personal data */
    MAINTAINER("保守担当者");

    private final String japanese;

    Role(String japanese) {
        this.japanese = japanese;
    }

    /** The role's name on the console (Japanese). */
    public String japanese() {
        return japanese;
    }

    /** The role as written in the API and on the command line: {@code searcher}, {@code manager}, … */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code text} (any case), or null when there is none. */
    public static Role of(String text) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(text)) {
                return r;
            }
        }
        return null;
    }
}
