package jp.tokyo.juki.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Argon2id password hashes as stored: PHC text with the parameters, a random salt each time, a
 * right and a wrong password told apart, the NFKC form hashed, a hash of older parameters marked for
 * renewal, and a flood of hashes refused rather than queued.
 */
class PasswordHasherTest {
    /** small memory: the unit tests stay fast; the format is the same */
    private final PasswordHasher hasher = new PasswordHasher(1024, 2, 1);

    @Test
    void aHashIsPhcTextOfArgon2idWithItsParametersSaltAndTag() throws Exception {
        String phc = hasher.hash("violet umbrella 74".toCharArray());
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=1024,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        String[] parts = phc.split("\\$");
        assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
    }

    @Test
    void theRightPasswordMatchesAndAWrongOneDoesNot() throws Exception {
        String phc = hasher.hash("violet umbrella 74".toCharArray());
        assertThat(hasher.verify("violet umbrella 74".toCharArray(), phc)).isTrue();
        assertThat(hasher.verify("violet umbrella 75".toCharArray(), phc)).isFalse();
        assertThat(hasher.verify("".toCharArray(), phc)).isFalse();
        assertThat(hasher.verify("violet umbrella 74".toCharArray(), "$argon2id$v=19$garbage")).isFalse();
        assertThat(hasher.verify("violet umbrella 74".toCharArray(), null)).isFalse();
    }

    @Test
    void eachHashHasItsOwnSalt() throws Exception {
        assertThat(hasher.hash("violet umbrella 74".toCharArray())).isNotEqualTo(hasher.hash("violet umbrella 74".toCharArray()));
    }

    @Test
    void theNfkcFormIsHashedSoFullWidthTypingMatches() throws Exception {
        String phc = hasher.hash("Violet74umbrella".toCharArray());
        assertThat(hasher.verify("Ｖｉｏｌｅｔ７４ｕｍｂｒｅｌｌａ".toCharArray(), phc)).isTrue();
    }

    @Test
    void aKnownVectorOfOtherParametersVerifies() throws Exception {
        // made by this class with m=65536,t=3,p=1 (the shipped parameters): stored hashes keep working
        PasswordHasher shipped = new PasswordHasher(65536, 3, 1);
        String phc = shipped.hash("violet umbrella 74".toCharArray());
        assertThat(phc).startsWith("$argon2id$v=19$m=65536,t=3,p=1$");
        assertThat(hasher.verify("violet umbrella 74".toCharArray(), phc)).isTrue();
        assertThat(hasher.needsRehash(phc)).isTrue();
        assertThat(shipped.needsRehash(phc)).isFalse();
    }

    @Test
    void aHashOfOtherParametersNeedsRenewing() throws Exception {
        String phc = new PasswordHasher(2048, 2, 1).hash("violet umbrella 74".toCharArray());
        assertThat(hasher.needsRehash(phc)).isTrue();
        assertThat(hasher.needsRehash(hasher.hash("violet umbrella 74".toCharArray()))).isFalse();
        assertThat(hasher.needsRehash("not a hash")).isTrue();
    }

    @Test
    void whileTheOnlyTurnIsTakenForMoreThanTwoSecondsAHashIsRefused() throws Exception {
        // one turn, held by a slow hash (256 MiB, many passes): the next waits 2 s and is refused
        PasswordHasher slow = new PasswordHasher(262144, 12, 1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<String> first = pool.submit(() -> {
                started.countDown();
                return slow.hash("violet umbrella 74".toCharArray());
            });
            started.await();
            Thread.sleep(100);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> slow.hash("violet umbrella 75".toCharArray())).isInstanceOf(PasswordHasher.Busy.class)
                    .hasMessageNotContaining("violet");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1900L, 4000L);
            assertThat(first.get()).startsWith("$argon2id$");
        } finally {
            pool.shutdownNow();
        }
    }
}
