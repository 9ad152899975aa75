package jp.tokyo.juki.operator;

import java.sql.SQLException;

/**
 * The register's database (or its audit chain) could not be reached or refused a statement: nothing
 * was changed and nothing recorded. Carries the SQLState only — never a value the statement held;
 * the operator API answers 503.
 */
public final class StoreUnavailable extends RuntimeException {
    private final String sqlState;

    StoreUnavailable(SQLException cause) {
        super("operator register unavailable: SQLState " + cause.getSQLState(), null, false, false);
        this.sqlState = cause.getSQLState();
    }

    public String sqlState() {
        return sqlState;
    }
}
