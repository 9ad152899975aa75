package jp.tokyo.juki.consistency;

import java.util.List;

/**
 * How a result is cut into parts that each fit one frame (docs/protocol.md, "Consistency
 * check"). The entries are thought of as one sequence — the differing persons, then those
 * missing in the store, then those missing at the CS, each in 住民票コード order — and every
 * entry has its exact size in the reply's JSON. Part {@code p} holds the entries that start
 * in bytes {@code [p·budget, (p+1)·budget)} of that sequence, so a part never holds more than
 * {@code budget} plus one entry, and any part can be served without reading the others.
 */
final class ResultLayout {
    static final int DIFFERING = 0;
    static final int MISSING_IN_STORE = 1;
    static final int MISSING_AT_CS = 2;
    static final int KINDS = 3;
    /** room kept in every part for the reply envelope and the body's other members */
    static final int ENVELOPE_RESERVE = 1024;
    /** {@code "01234567890",} */
    static final int MISSING_ENTRY_BYTES = 14;

    final long matched;
    final long[] count;
    final long[] bytes;
    final long budget;
    final int parts;

    ResultLayout(long matched, long[] count, long[] bytes, long budget) {
        this.matched = matched;
        this.count = count.clone();
        this.bytes = bytes.clone();
        this.budget = budget;
        long total = bytes[0] + bytes[1] + bytes[2];
        long n = total == 0 ? 1 : (total + budget - 1) / budget;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalStateException("result too large to number its parts");
        }
        this.parts = (int) n;
    }

    /** The bytes a part may give its entries, for replies of at most {@code partBytes}. */
    static long budget(int partBytes, List<String> items) {
        long b = (long) partBytes - ENVELOPE_RESERVE - differingEntryBytes((1 << items.size()) - 1, items);
        if (b < 256) {
            throw new IllegalArgumentException("consistency part size too small for one entry: " + partBytes);
        }
        return b;
    }

    /**
     * {@code {"juminhyoCode":"01234567890","items":["name","address"]},} — exact for item names
     * of ASCII letters, which they are.
     */
    static int differingEntryBytes(int mask, List<String> items) {
        int size = 41;
        for (int i = 0; i < items.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                size += items.get(i).length() + 3;
            }
        }
        return size;
    }

    /** Where a kind's entries start in the whole sequence. */
    long start(int kind) {
        long s = 0;
        for (int k = 0; k < kind; k++) {
            s += bytes[k];
        }
        return s;
    }

    /** The offsets within {@code kind} of the entries part {@code part} holds: {@code [from, to)}. */
    long[] range(int part, int kind) {
        long from = Math.min(bytes[kind], Math.max(0, part * budget - start(kind)));
        long to = Math.min(bytes[kind], (part + 1) * budget - start(kind));
        return new long[]{from, Math.max(from, to)};
    }
}
