package jp.tokyo.juki.link;

import java.sql.SQLException;

/**
 * The bridge's database could not answer. Carries the SQLState only: a driver message may quote
 * key values (住民票コード) from the server's error detail.
 */
public final class LinkUnavailableException extends RuntimeException {
    public LinkUnavailableException(String what, SQLException cause) {
        super("my-number link unavailable (" + what + ", SQLState " + cause.getSQLState() + ")");
    }
}
