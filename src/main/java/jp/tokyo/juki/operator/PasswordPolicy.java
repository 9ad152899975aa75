package jp.tokyo.juki.operator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which passwords an operator may have (issue 12; after NIST SP 800-63B: a length and a blocklist,
 * no composition rules). A pure function of the password, the operator's ID and display name, and
 * the denylist. The password is taken in its NFKC form (as {@link PasswordHasher} hashes it) and
 * compared lower-cased. It is refused when
 * <ul>
 * <li>{@code PWLENGTH}: it has fewer than {@value #MIN} or more than {@value #MAX} characters (code points);</li>
 * <li>{@code PWCOMMON}: it is an entry of the denylist, or what is left after removing every entry it
 *     contains has fewer than {@value #OWN} letters or digits ({@code Password2025!}, {@code juki-gateway});</li>
 * <li>{@code PWNAME}: it contains the operator's ID or display name, or a part of either of three or more
 *     characters (two, when not ASCII: 田中 花子);</li>
 * <li>{@code PWREPEAT}: it has three equal characters in a row, or three letters or digits in sequence
 *     ({@code aaa}, {@code abc}, {@code 321}).</li>
 * </ul>
 * A refusal names the rule, never the password.
 */
public final class PasswordPolicy {
    public static final int MIN = 12;
    public static final int MAX = 128;
    /** letters or digits a password must hold besides denylist entries */
    public static final int OWN = 8;
    /** where the denylist is looked for on the classpath when the configured file is missing (a jar elsewhere) */
    public static final String RESOURCE = "/password-denylist.txt";

    /** Why a password was refused: a code and a sentence naming the rule (never the password). */
    public record Refusal(String code, String reason) {
    }

    private final Set<String> entries;
    /** the entries longest first, so that "juki-net" goes before "juki" */
    private final List<String> byLength;

    /** @param denylist entries as written (they are normalised and lower-cased here) */
    public PasswordPolicy(List<String> denylist) {
        Set<String> e = new TreeSet<>();
        for (String line : denylist) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                e.add(fold(s));
            }
        }
        this.entries = Set.copyOf(e);
        this.byLength = e.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /**
     * The policy with the denylist of {@code file} ({@link OperatorSettings#DENYLIST}); when there is
     * no such file, the one on the classpath ({@link #RESOURCE}).
     *
     * @throws IOException neither is there: the gateway does not run without its denylist
     */
    public static PasswordPolicy load(Path file) throws IOException {
        if (file != null && Files.isRegularFile(file)) {
            return new PasswordPolicy(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("password denylist " + file + " not found (juki.operator.password-denylist)");
            }
            return new PasswordPolicy(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
    }

    /** How many entries the denylist holds. */
    public int size() {
        return entries.size();
    }

    /**
     * Why {@code password} may not be the password of operator {@code operatorId} called
     * {@code displayName}, or empty when it may.
     */
    public Optional<Refusal> check(char[] password, String operatorId, String displayName) {
        char[] normal = PasswordHasher.nfkc(password);
        String p = fold(CharBuffer.wrap(normal));
        Arrays.fill(normal, '\0');
        int length = p.codePointCount(0, p.length());
        if (length < MIN || length > MAX) {
            return Optional.of(new Refusal("PWLENGTH", "a password has " + MIN + " to " + MAX + " characters"));
        }
        if (common(p)) {
            return Optional.of(new Refusal("PWCOMMON",
                    "a password must not be (mostly) a common password or a word of this domain or year"));
        }
        if (containsName(p, operatorId) || containsName(p, displayName)) {
            return Optional.of(new Refusal("PWNAME", "a password must not contain the operator's ID or name"));
        }
        if (runOfThree(p)) {
            return Optional.of(new Refusal("PWREPEAT",
                    "a password must not have three equal characters in a row or three in sequence (abc, 321)"));
        }
        return Optional.empty();
    }

    private boolean common(String p) {
        if (entries.contains(p)) {
            return true;
        }
        String rest = p;
        for (String entry : byLength) {
            if (rest.contains(entry)) {
                rest = rest.replace(entry, " ");
            }
        }
        if (rest.equals(p)) {
            return false;
        }
        return rest.codePoints().filter(Character::isLetterOrDigit).count() < OWN;
    }

    /**
     * Whether {@code p} holds the name, or one of its parts (split at spaces, dots, hyphens,
     * underscores) of three or more characters (two if not ASCII).
     */
    private static boolean containsName(String p, String name) {
        if (name == null || name.isBlank()) {
            return false;
        }
        String n = fold(name.strip());
        if (p.contains(n)) {
            return true;
        }
        for (String part : n.split("[\\s._\\-・　]+")) {
            int length = part.codePointCount(0, part.length());
            // a Japanese name's parts are often two characters (田中 花子)
            boolean counts = length >= 3 || length == 2 && part.codePoints().anyMatch(cp -> cp > 0x7f);
            if (counts && p.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private static boolean runOfThree(String p) {
        int[] cps = p.codePoints().toArray();
        for (int i = 2; i < cps.length; i++) {
            int a = cps[i - 2];
            int b = cps[i - 1];
            int c = cps[i];
            if (a == b && b == c) {
                return true;
            }
            boolean alnum = Character.isLetterOrDigit(a) && Character.isLetterOrDigit(b) && Character.isLetterOrDigit(c);
            if (alnum && (b - a == 1 && c - b == 1 || a - b == 1 && b - c == 1)) {
                return true;
            }
        }
        return false;
    }

    private static String fold(CharSequence s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** The entries as they are compared (normalised, lower-cased), for tests and {@code config check}. */
    List<String> entries() {
        return new ArrayList<>(entries);
    }
}
