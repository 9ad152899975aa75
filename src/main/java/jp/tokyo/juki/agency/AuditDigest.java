package jp.tokyo.juki.agency;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * Audit records an SFTP peer can cause at will — connections closed before a login, refused
 * requests, writes past the quota — folded so that a flood cannot outrun the audit (and close the
 * CS line by the audit lag gate): per key (the address or the account, and the kind) the first
 * occurrence is recorded at once, the repeats within one sweep interval are counted and recorded
 * as one line by {@link #report} (like {@link LoginBans#report}). A key quiet for a whole interval
 * is forgotten, so its next occurrence is again recorded at once. At most {@link #MAX_KEYS} keys
 * are held; occurrences of further keys are counted per type and code and reported as one line.
 */
final class AuditDigest {
    static final int MAX_KEYS = 10_000;

    private final DropFolderServer.Audit audit;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Entry> overflow = new LinkedHashMap<>();

    private static final class Entry {
        final String account;
        final GatewayEvent type;
        final AuditStatus status;
        final String code;
        final String summary;
        long repeats;

        Entry(String account, GatewayEvent type, AuditStatus status, String code, String summary) {
            this.account = account;
            this.type = type;
            this.status = status;
            this.code = code;
            this.summary = summary;
        }
    }

    AuditDigest(DropFolderServer.Audit audit) {
        this.audit = audit;
    }

    /**
     * @param key     what repeats are folded by (e.g. {@code "S100 127.0.0.5 not authenticated"})
     * @param detail  the record of the first occurrence
     * @param summary how the count line names the repeats (e.g. "connection(s) from 127.0.0.5 closed without logging in")
     * @return whether this occurrence was recorded at once (else it is counted for the next report)
     */
    boolean record(String key, String account, GatewayEvent type, AuditStatus status, String code, String detail,
                   String summary) {
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                e.repeats++;
                return false;
            }
            if (entries.size() >= MAX_KEYS) {
                overflow.computeIfAbsent(type + " " + code, k -> new Entry(null, type, status, code,
                        "SFTP event(s) of further addresses or accounts (more than " + MAX_KEYS + " at once)")).repeats++;
                return false;
            }
            entries.put(key, new Entry(account, type, status, code, summary));
        }
        audit.record(account, type, status, code, detail);
        return true;
    }

    /** One record per key repeated since the last report (with the count); quiet keys are forgotten. */
    void report() {
        List<Entry> lines = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.repeats == 0) {
                    it.remove();
                } else {
                    lines.add(e);
                    counts.add(e.repeats);
                    e.repeats = 0;
                }
            }
            for (Entry e : overflow.values()) {
                lines.add(e);
                counts.add(e.repeats);
            }
            overflow.clear();
        }
        for (int i = 0; i < lines.size(); i++) {
            Entry e = lines.get(i);
            audit.record(e.account, e.type, e.status, e.code, counts.get(i) + " more " + e.summary + " since the last report");
        }
    }
}
