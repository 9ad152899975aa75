package jp.tokyo.juki.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times on the console's pages: Japan Standard Time, to the second. */
final class Jst {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Tokyo"));

    private Jst() {
    }

    static String of(Instant t) {
        return t == null ? "" : FORMAT.format(t);
    }
}
