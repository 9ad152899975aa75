package jp.tokyo.juki.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ItemDigestTest {
    /** the key 00 01 … 0f of the SipHash paper's test vectors */
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    @Test
    void isSipHash24OverTheLittleEndianCodeUnits() {
        ItemDigest d = new ItemDigest(K0, K1);
        // reference vectors (Aumasson & Bernstein, vectors.h): the empty message, 00 01, 00 01 … 07
        assertThat(d.end()).isEqualTo(0x726fdb47dd0e0e31L);
        d.unit(0x0100);
        assertThat(d.end()).isEqualTo(0x0d6c8009d9a94f5aL);
        d.unit(0x0100);
        d.unit(0x0302);
        d.unit(0x0504);
        d.unit(0x0706);
        assertThat(d.end()).isEqualTo(0x93f5f5799a932462L);
    }

    @Test
    void fieldBoundariesAndAbsenceAreTold() {
        ItemDigest d = new ItemDigest(1, 2);
        long ab = d.add("ab").add("").end();
        long aB = d.add("a").add("b").end();
        long absent = d.add((String) null).end();
        long empty = d.add("").end();
        long number = d.add(0).end();
        assertThat(ab).isNotEqualTo(aB);
        assertThat(absent).isNotEqualTo(empty).isNotEqualTo(number);
        assertThat(d.add("a").add("b").end()).isEqualTo(aB);
    }

    @Test
    void theKeyChangesEveryDigest() {
        assertThat(new ItemDigest(1, 2).add("123456789018").end())
                .isNotEqualTo(new ItemDigest(1, 3).add("123456789018").end());
    }
}
