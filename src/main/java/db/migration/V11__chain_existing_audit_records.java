package db.migration;

import jp.tokyo.juki.audit.AuditChain;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Puts the audit records written before the hash chain existed (V10) into it, in the order they
 * were written, so that {@code audit verify} covers them too. A Java migration because the hash
 * is the gateway's canonical encoding ({@link AuditChain}), not something SQL can reproduce.
 */
public class V11__chain_existing_audit_records extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        AuditChain.chainUnchained(context.getConnection());
    }
}
