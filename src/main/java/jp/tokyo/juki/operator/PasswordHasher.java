package jp.tokyo.juki.operator;

import java.nio.CharBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Operators' passwords as Argon2id hashes (RFC 9106) in PHC text,
 * {@code $argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>} (base64 without padding; a 16-byte random
 * salt and a 32-byte tag), computed by BouncyCastle's {@link Argon2BytesGenerator}. A password is
 * hashed in its NFKC form, as {@link PasswordPolicy} checks it, so a full-width and a half-width
 * spelling are the same password. Hashes are compared in constant time.
 *
 * <p>One hash takes {@code m} KiB and a core for about a third of a second (docs/plans/issue-12.md
 * §2; BouncyCastle computes the lanes one after the other, so {@code p>1} buys nothing). At most
 * {@code hashesAtOnce} are computed together; a caller that waits more than {@link #WAIT_MS} for its
 * turn gets {@link Busy}, so a flood of logins cannot starve the gateway of memory or cores.
 */
public final class PasswordHasher {
    /** how long a hash waits for its turn before {@link Busy} */
    public static final long WAIT_MS = 2000;
    private static final int SALT_BYTES = 16;
    private static final int TAG_BYTES = 32;
    private static final int PARALLELISM = 1;
    /** the most memory a stored hash may ask for (the bound of juki.operator.argon2-memory-kib): a changed row cannot exhaust the heap */
    private static final int MAX_MEMORY_KIB = 1_048_576;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final Semaphore turns;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param memoryKib    Argon2 {@code m} for new hashes (at least 8)
     * @param iterations   Argon2 {@code t} for new hashes
     * @param hashesAtOnce how many hashes may be computed at the same time
     */
    public PasswordHasher(int memoryKib, int iterations, int hashesAtOnce) {
        if (memoryKib < 8 || iterations < 1 || hashesAtOnce < 1) {
            throw new IllegalArgumentException("argon2: m >= 8 KiB, t >= 1 and at least one hash at once");
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.turns = new Semaphore(hashesAtOnce, true);
    }

    public static PasswordHasher of(OperatorSettings.Values settings) {
        return new PasswordHasher(settings.argon2MemoryKib(), settings.argon2Iterations(), settings.hashesAtOnce());
    }

    /** The PHC text of {@code password} with a new salt and the current parameters. */
    public String hash(char[] password) throws Busy {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] tag = compute(password, salt, memoryKib, iterations, PARALLELISM, TAG_BYTES);
        try {
            return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                    + "$" + B64.encodeToString(tag);
        } finally {
            Arrays.fill(tag, (byte) 0);
        }
    }

    /**
     * Whether {@code password} is the one {@code phc} was made from (with the parameters {@code phc}
     * names). A {@code phc} that is not an Argon2id PHC text of ours matches no password.
     */
    public boolean verify(char[] password, String phc) throws Busy {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return false;
        }
        int mem = Integer.parseInt(m.group(1));
        int t = Integer.parseInt(m.group(2));
        int p = Integer.parseInt(m.group(3));
        if (mem < 8 * p || mem > MAX_MEMORY_KIB || t < 1 || p < 1) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = compute(password, salt, mem, t, p, expected.length);
        try {
            return MessageDigest.isEqual(expected, actual);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
    }

    /**
     * Spends the time and memory of one verification without a stored hash (an unknown or revoked
     * operator), so that the answer's timing does not tell whether an operator ID exists.
     */
    public void verifyNothing(char[] password) throws Busy {
        compute(password, new byte[SALT_BYTES], memoryKib, iterations, PARALLELISM, TAG_BYTES);
    }

    /** Whether {@code phc} was made with other parameters than new hashes get (it is redone at the next login). */
    public boolean needsRehash(String phc) {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return true;
        }
        return Integer.parseInt(m.group(1)) != memoryKib || Integer.parseInt(m.group(2)) != iterations
                || Integer.parseInt(m.group(3)) != PARALLELISM || B64D.decode(m.group(5)).length != TAG_BYTES
                || B64D.decode(m.group(4)).length != SALT_BYTES;
    }

    private byte[] compute(char[] password, byte[] salt, int mem, int t, int p, int length) throws Busy {
        try {
            if (!turns.tryAcquire(WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new Busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        char[] normal = nfkc(password);
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(mem).withIterations(t)
                    .withParallelism(p).withSalt(salt).build());
            byte[] out = new byte[length];
            generator.generateBytes(normal, out);
            return out;
        } finally {
            Arrays.fill(normal, '\0');
            turns.release();
        }
    }

    /**
     * The NFKC form of {@code password} as a new array (the caller clears it). The normalizer works
     * on strings, so the password briefly exists as one too: the JVM gives no way around that.
     */
    static char[] nfkc(char[] password) {
        CharBuffer in = CharBuffer.wrap(password);
        if (Normalizer.isNormalized(in, Normalizer.Form.NFKC)) {
            return password.clone();
        }
        return Normalizer.normalize(in, Normalizer.Form.NFKC).toCharArray();
    }

    /** Too many password hashes are being computed: try again in a moment. Carries no password. */
    public static final class Busy extends Exception {
        Busy() {
            super("too many password hashes at once", null, false, false);
        }
    }
}
