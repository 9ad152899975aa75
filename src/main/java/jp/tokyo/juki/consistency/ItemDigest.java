package jp.tokyo.juki.consistency;

import java.security.SecureRandom;

/**
 * A keyed 64-bit digest of one item: SipHash-2-4 over the UTF-16LE code units of the item's
 * fields, each field prefixed by a tag and its length so that no two different field lists
 * give the same input. Keyed with a fresh random key per session, so the digests staged in
 * the database cannot be matched against guessed values (a 個人番号 has only 10^11 candidates)
 * and a CS cannot craft two different values that digest alike.
 *
 * <p>Not thread-safe: one instance per session, used by one task at a time.
 */
public final class ItemDigest {
    private static final SecureRandom KEYS = new SecureRandom();

    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;
    /** code units not yet compressed, little-endian, and how many */
    private long pending;
    private int pendingUnits;
    private long units;

    public ItemDigest(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
        begin();
    }

    /** A digest with a fresh random key. */
    public static ItemDigest withRandomKey() {
        return new ItemDigest(KEYS.nextLong(), KEYS.nextLong());
    }

    /** The same key for another thread (instances are not thread-safe). */
    public ItemDigest copy() {
        return new ItemDigest(k0, k1);
    }

    /** Starts a new item. */
    public ItemDigest begin() {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
        pending = 0;
        pendingUnits = 0;
        units = 0;
        return this;
    }

    /** A text field; {@code null} (absent) differs from every text, the empty one included. */
    public ItemDigest add(String s) {
        if (s == null) {
            unit(0);
            return this;
        }
        unit(1);
        unit(s.length() >>> 16);
        unit(s.length() & 0xffff);
        for (int i = 0; i < s.length(); i++) {
            unit(s.charAt(i));
        }
        return this;
    }

    /** A number field. */
    public ItemDigest add(int n) {
        unit(2);
        unit(n >>> 16);
        unit(n & 0xffff);
        return this;
    }

    /** The digest of the fields added since {@link #begin()}; starts the next item. */
    public long end() {
        long b = (units * 2) << 56 | pending;
        v3 ^= b;
        round();
        round();
        v0 ^= b;
        v2 ^= 0xff;
        round();
        round();
        round();
        round();
        long result = v0 ^ v1 ^ v2 ^ v3;
        begin();
        return result;
    }

    /** One UTF-16 code unit of input (package-private for the reference-vector test). */
    void unit(int u) {
        pending |= (long) (u & 0xffff) << (16 * pendingUnits);
        units++;
        if (++pendingUnits == 4) {
            v3 ^= pending;
            round();
            round();
            v0 ^= pending;
            pending = 0;
            pendingUnits = 0;
        }
    }

    private void round() {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }
}
