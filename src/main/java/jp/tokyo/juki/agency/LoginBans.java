package jp.tokyo.juki.agency;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Failed SFTP logins per client address: {@code failures} within {@code window} ban the address
 * for {@code banFor} — every connection from it is closed before the SSH banner, with the right
 * key or not. At most {@link #MAX_ADDRESSES} addresses are remembered (the least recently seen
 * are forgotten first), so a peer with many addresses cannot grow this without bound.
 */
final class LoginBans {
    static final int MAX_ADDRESSES = 10_000;

    private final int failures;
    private final Duration window;
    private final Duration banFor;
    private final Map<String, Deque<Instant>> recent = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Ban> bans = new LinkedHashMap<>();

    /** one ban: until when, and the connections refused since it was last reported */
    private static final class Ban {
        final Instant until;
        long refusedSinceReport;
        long refused;

        Ban(Instant until) {
            this.until = until;
        }
    }

    LoginBans(int failures, Duration window, Duration banFor) {
        this.failures = failures;
        this.window = window;
        this.banFor = banFor;
    }

    /** Whether a connection from {@code address} is refused now (counted for {@link #report}). */
    synchronized boolean refuses(String address, Instant now) {
        Ban b = bans.get(address);
        if (b == null) {
            return false;
        }
        if (!now.isBefore(b.until)) {
            return false; // over; reported and forgotten by the next report
        }
        b.refusedSinceReport++;
        b.refused++;
        return true;
    }

    /**
     * A login from {@code address} failed.
     *
     * @return the ban's description when this failure starts one, else null
     */
    synchronized String failed(String address, Instant now) {
        if (failures <= 0) {
            return null;
        }
        Deque<Instant> times = recent.computeIfAbsent(address, a -> new ArrayDeque<>());
        times.addLast(now);
        while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(window))) {
            times.removeFirst();
        }
        if (recent.size() > MAX_ADDRESSES) {
            Iterator<String> oldest = recent.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        if (times.size() < failures) {
            return null;
        }
        times.clear();
        Ban existing = bans.get(address);
        if (existing != null && now.isBefore(existing.until)) {
            return null;
        }
        bans.put(address, new Ban(now.plus(banFor)));
        if (bans.size() > MAX_ADDRESSES) {
            Iterator<String> oldest = bans.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return "address " + address + " banned for " + banFor.toMinutes() + " min after " + failures
                + " failed logins within " + window.toMinutes() + " min";
    }

    /**
     * What to audit since the last call: per banned address the connections refused meanwhile
     * (one line each, never one per connection), and the bans that ended (forgotten then).
     */
    synchronized List<String> report(Instant now) {
        List<String> lines = new ArrayList<>();
        for (Iterator<Map.Entry<String, Ban>> it = bans.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Ban> e = it.next();
            Ban b = e.getValue();
            boolean over = !now.isBefore(b.until);
            if (b.refusedSinceReport > 0 || over) {
                lines.add(b.refusedSinceReport + " connection(s) from banned address " + e.getKey() + " refused"
                        + (over ? "; ban over (" + b.refused + " refused in all)" : ""));
                b.refusedSinceReport = 0;
            }
            if (over) {
                it.remove();
            }
        }
        recent.values().removeIf(times -> times.isEmpty() || times.peekLast().isBefore(now.minus(window)));
        return lines;
    }
}
