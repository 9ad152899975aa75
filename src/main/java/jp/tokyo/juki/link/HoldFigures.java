package jp.tokyo.juki.link;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * What the My Number hold holds, in figures an operator may see: how many numbers, for how many
 * deliveries, and since when the oldest waits. Never a value.
 */
public record HoldFigures(long numbers, long deliveries, Instant oldestHeldAt) {

    /** Reads the figures on any connection that may read {@code link.my_number_hold}. */
    public static HoldFigures read(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT delivery_id), min(held_at) "
                     + "FROM link.my_number_hold")) {
            rs.next();
            Timestamp oldest = rs.getTimestamp(3);
            return new HoldFigures(rs.getLong(1), rs.getLong(2), oldest == null ? null : oldest.toInstant());
        }
    }

    public boolean sameCounts(HoldFigures other) {
        return other != null && numbers == other.numbers && deliveries == other.deliveries;
    }

    /** e.g. {@code 3 numbers for 2 deliveries, oldest held 2 h 5 min}. */
    public String describe(Instant now) {
        String s = numbers + (numbers == 1 ? " number" : " numbers") + " for " + deliveries
                + (deliveries == 1 ? " delivery" : " deliveries");
        return oldestHeldAt == null ? s : s + ", oldest held " + age(Duration.between(oldestHeldAt, now));
    }

    public static String age(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }
}
