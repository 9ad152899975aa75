/**
 * Backup and restore of an installation on the embedded database and broker (issue 14 item 4,
 * 定期運用に基づくバックアップ): a cold copy of the data directory (PostgreSQL cluster, Artemis journal,
 * drop folders) and the key directory, taken while the gateway is stopped, in one tar signed by the
 * gateway and encrypted to a separate backup certificate ({@link jp.tokyo.juki.security.CmsFiles},
 * as the agency files); only an administrator of the operator register may write or restore one,
 * and every attempt is audited ({@code BACKUP}, {@code RESTORE}). docs/operations/backup.md.
 */
package jp.tokyo.juki.backup;
