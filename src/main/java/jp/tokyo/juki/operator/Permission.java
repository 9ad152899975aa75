package jp.tokyo.juki.operator;

import static jp.tokyo.juki.operator.Role.ADMINISTRATOR;
import static jp.tokyo.juki.operator.Role.AUDITOR;
import static jp.tokyo.juki.operator.Role.MAINTAINER;
import static jp.tokyo.juki.operator.Role.MANAGER;
import static jp.tokyo.juki.operator.Role.SEARCHER;

import java.util.EnumSet;
import java.util.Set;

/**
 * One action of the operator API and the roles that may take it: the role matrix as data. The API
 * gate allows a request when one of the session's roles is listed here, else answers 403
 * {@code P403}; the matrix test walks every permission × every role against this table. An action
 * on personal data is never granted to {@link Role#MAINTAINER}.
 */
public enum Permission {
    /** one's own session: who am I, log out, change one's own password (every role) */
    SESSION(EnumSet.allOf(Role.class), false),
    /** the gateway's status and health */
    STATUS(EnumSet.of(MAINTAINER), false),
    /** figures of the My Number hold (never a value) */
    LINK_STATUS(EnumSet.of(MAINTAINER), false),
    /** list dead letters: queue, type, origin, code, age */
    DLQ_LIST(EnumSet.of(MAINTAINER, ADMINISTRATOR), false),
    /** one dead letter, its personal items masked */
    DLQ_SHOW(EnumSet.of(MAINTAINER, ADMINISTRATOR), false),
    /** one dead letter with its personal items, with a reason */
    DLQ_REVEAL(EnumSet.of(ADMINISTRATOR), true),
    /** send dead letters again */
    DLQ_REPLAY(EnumSet.of(ADMINISTRATOR), true),
    /** remove a dead letter for good, with a reason */
    DLQ_DISCARD(EnumSet.of(ADMINISTRATOR), true),
    /** agency requests waiting for a decision */
    APPROVALS_LIST(EnumSet.of(MANAGER), false),
    /** approve or reject a waiting agency request */
    APPROVALS_DECIDE(EnumSet.of(MANAGER), true),
    /** ask a national server about a person */
    NATIONAL_QUERY(EnumSet.of(SEARCHER), true),
    /** a person's audit history (exchanges and provisions), with a reason */
    AUDIT_PERSON(EnumSet.of(AUDITOR), true),
    /** verify the audit chain */
    AUDIT_VERIFY(EnumSet.of(AUDITOR), false),
    /** export the audit up to a checkpoint */
    AUDIT_EXPORT(EnumSet.of(AUDITOR), true),
    /** remove exported records from the table */
    AUDIT_TRIM(EnumSet.of(AUDITOR), true),
    /** read the operator register and the yearly review report */
    OPERATORS_READ(EnumSet.of(ADMINISTRATOR, AUDITOR), false),
    /** issue, change (roles, terminals), review, unlock and revoke operators */
    OPERATORS_MANAGE(EnumSet.of(ADMINISTRATOR), false),
    /** search the stores for persons (住民票コード, My Number or the 4 items), with a stated purpose */
    PERSON_SEARCH(EnumSet.of(SEARCHER), true),
    /** the searches per operator and day, and those outside working hours (検索件数) */
    SEARCH_REPORT(EnumSet.of(AUDITOR), false),
    /** disclosure requests (開示請求): register, check the requester, produce the form, hand it over */
    DISCLOSURE(EnumSet.of(MANAGER), true),
    /** the form register (帳票管理簿): list the forms, record one handed over or destroyed */
    FORMS(EnumSet.of(MANAGER, AUDITOR), false),
    /** correction and stop-of-use requests (訂正・追加・削除, 利用停止): register, track, decide */
    CORRECTION(EnumSet.of(MANAGER), true),
    /** statistics of updates, provisions, notices, searches and consistency checks (counts only) */
    STATISTICS(EnumSet.of(AUDITOR, MANAGER), false),
    /** the retention jobs: what is due, their last runs, run one now */
    RETENTION(EnumSet.of(ADMINISTRATOR), false),
    /** back up the database, broker journal and keys into an encrypted, signed archive, and restore one (定期運用に基づくバックアップ) */
    BACKUP(EnumSet.of(ADMINISTRATOR), true);

    private final Set<Role> roles;
    private final boolean personalData;

    Permission(Set<Role> roles, boolean personalData) {
        this.roles = roles;
        this.personalData = personalData;
    }

    /** The roles that may take this action. */
    public Set<Role> roles() {
        return EnumSet.copyOf(roles);
    }

    /** Whether one of {@code held} may take this action. */
    public boolean allows(Set<Role> held) {
        for (Role r : held) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the action shows or changes personal data (never granted to a maintainer). */
    public boolean personalData() {
        return personalData;
    }
}
