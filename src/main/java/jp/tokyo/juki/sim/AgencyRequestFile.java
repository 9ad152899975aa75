package jp.tokyo.juki.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.KanaNormalizer;
import jp.tokyo.juki.wire.AgencyFileFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * An agency's request CSV (PROTOCOL §4) about a known population, with the status each row must
 * be answered with: persons of a {@link ResidentSet} (the first {@code persons} of it, as a
 * store seeded with them holds them) asked by 住民票コード, by 個人番号 and by name kana and
 * birth date (基本4情報), persons outside Tokyo whom only the national server knows, and rows
 * the agency may not ask (another agency's business).
 */
public final class AgencyRequestFile {
    /** What a row asks, its share of the file, and the status it must be answered with. */
    public enum Kind {
        /** a seeded person by 住民票コード */
        JUMINHYO_CODE(0.40, "FOUND"),
        /** a seeded person by 個人番号 */
        MY_NUMBER(0.20, "FOUND"),
        /** a seeded person by name kana and birth date — only persons no other seeded person shares them with */
        FOUR_INFO(0.30, "FOUND"),
        /** a valid 住民票コード nobody in Tokyo has: the gateway must ask the national server */
        OUTSIDE_TOKYO(0.05, "FOUND_NATIONAL"),
        /** a seeded person, but for a business of another agency */
        REFUSED(0.05, "REFUSED");

        private final double share;
        private final String expected;

        Kind(double share, String expected) {
            this.share = share;
            this.expected = expected;
        }

        public String expected() {
            return expected;
        }
    }

    /** The file and the kind of each of its rows ({@code kinds.get(i)} is row {@code i}, request id {@link #requestId}). */
    public record Built(byte[] csv, List<Kind> kinds) {
        public int rows() {
            return kinds.size();
        }

        /** The status row {@code i} must be answered with. */
        public String expected(int i) {
            return kinds.get(i).expected();
        }

        /** Rows per kind. */
        public Map<Kind, Long> byKind() {
            Map<Kind, Long> counts = new EnumMap<>(Kind.class);
            for (Kind k : Kind.values()) {
                counts.put(k, 0L);
            }
            kinds.forEach(k -> counts.merge(k, 1L, Long::sum));
            return counts;
        }

        /** Rows per expected status, every status of {@link AgencyAnswer#STATUSES} present. */
        public Map<String, Long> expectedByStatus() {
            Map<String, Long> counts = new LinkedHashMap<>();
            AgencyAnswer.STATUSES.forEach(s -> counts.put(s, 0L));
            kinds.forEach(k -> counts.merge(k.expected(), 1L, Long::sum));
            return counts;
        }
    }

    private AgencyRequestFile() {
    }

    /** The request id of row {@code i} (0-based): {@code R00000001} for the first. */
    public static String requestId(int i) {
        return String.format("R%08d", i + 1);
    }

    /**
     * A file of {@code rows} rows in the shares of {@link Kind}, shuffled, the same for the same
     * arguments.
     *
     * @param persons           how many persons of {@code residents} the store holds (0 … persons−1)
     * @param outsideTokyo      valid 住民票コード the national server knows; those a seeded person has are skipped
     * @param business          the agency's own business code
     * @param foreignBusinesses business codes of other agencies, for the refused rows
     */
    public static Built mixed(int rows, ResidentSet residents, long persons, List<String> outsideTokyo,
                              String business, List<String> foreignBusinesses, long seed) {
        if (rows < 1 || persons < 1 || foreignBusinesses.isEmpty()) {
            throw new IllegalArgumentException("needs rows, persons and another agency's business");
        }
        Census census = Census.of(residents, persons);
        List<String> outside = outsideTokyo.stream().filter(c -> !census.seeded(c)).toList();
        if (outside.isEmpty()) {
            throw new IllegalArgumentException("no 住民票コード outside Tokyo that no seeded person has");
        }
        List<Kind> kinds = kinds(rows, seed);
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(rows * 80);
        try (CSVPrinter csv = AgencyFileFormat.print(text)) {
            csv.printRecord(AgencyFileFormat.REQUEST_HEADER);
            int nextOutside = 0;
            int nextForeign = 0;
            for (int i = 0; i < rows; i++) {
                String id = requestId(i);
                switch (kinds.get(i)) {
                    case JUMINHYO_CODE -> csv.printRecord(id, business, "JUMINHYO_CODE",
                            residents.code(random.nextLong(persons)), "", "", "", "", "", "");
                    case MY_NUMBER -> csv.printRecord(id, business, "MY_NUMBER", "",
                            residents.honnin(random.nextLong(persons)).myNumber(), "", "", "", "", "");
                    case FOUR_INFO -> {
                        HonninRecord p = census.onlyOneWithItsNameAndBirth(random, residents);
                        // with the municipality as address prefix: unique in this set, and not mixed up with a
                        // namesake born the same day elsewhere in Tokyo
                        csv.printRecord(id, business, "FOUR_INFO", "", "", p.name().kana(), "", p.birthDate(), "",
                                residents.addressPrefix());
                    }
                    case OUTSIDE_TOKYO -> csv.printRecord(id, business, "JUMINHYO_CODE",
                            outside.get(nextOutside++ % outside.size()), "", "", "", "", "", "");
                    case REFUSED -> csv.printRecord(id, foreignBusinesses.get(nextForeign++ % foreignBusinesses.size()),
                            "JUMINHYO_CODE", residents.code(random.nextLong(persons)), "", "", "", "", "", "");
                    default -> throw new IllegalStateException();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return new Built(text.toString().getBytes(StandardCharsets.UTF_8), List.copyOf(kinds));
    }

    /** Each kind's share of {@code rows} (rounded; FOUR_INFO takes the rest), in a seeded random order. */
    private static List<Kind> kinds(int rows, long seed) {
        List<Kind> kinds = new ArrayList<>(rows);
        for (Kind k : Kind.values()) {
            if (k != Kind.FOUR_INFO) {
                kinds.addAll(Collections.nCopies((int) Math.round(rows * k.share), k));
            }
        }
        if (kinds.size() > rows) {
            throw new IllegalArgumentException("too few rows for the mix: " + rows);
        }
        kinds.addAll(Collections.nCopies(rows - kinds.size(), Kind.FOUR_INFO));
        Collections.shuffle(kinds, new Random(seed));
        return kinds;
    }

    /**
     * What the seeded persons have, so that rows can be chosen with a known answer: their
     * 住民票コード, and how many share each (normalised name kana, birth date).
     */
    private record Census(long persons, long[] codes, long[] nameBirth, Map<String, Integer> names) {
        static Census of(ResidentSet residents, long persons) {
            if (persons > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("too many persons: " + persons);
            }
            long[] codes = new long[(int) persons];
            long[] nameBirth = new long[(int) persons];
            Map<String, Integer> names = new HashMap<>();
            for (int i = 0; i < persons; i++) {
                HonninRecord p = residents.honnin(i);
                codes[i] = Long.parseLong(p.juminhyoCode());
                nameBirth[i] = key(names, p);
            }
            Arrays.sort(codes);
            Arrays.sort(nameBirth);
            return new Census(persons, codes, nameBirth, names);
        }

        /** (name, birth date) as one number: the name's index among those seen, and the day. */
        private static long key(Map<String, Integer> names, HonninRecord p) {
            int name = names.computeIfAbsent(KanaNormalizer.normalize(p.name().kana()), k -> names.size());
            return name * 1_000_000L + LocalDate.parse(p.birthDate()).toEpochDay() + 500_000L;
        }

        boolean seeded(String code) {
            return Arrays.binarySearch(codes, Long.parseLong(code)) >= 0;
        }

        /** A seeded person nobody else seeded shares name kana and birth date with: found exactly once. */
        HonninRecord onlyOneWithItsNameAndBirth(SplittableRandom random, ResidentSet residents) {
            for (int attempt = 0; attempt < 10_000; attempt++) {
                HonninRecord p = residents.honnin(random.nextLong(persons));
                long k = key(names, p);
                int at = Arrays.binarySearch(nameBirth, k);
                boolean alone = (at == 0 || nameBirth[at - 1] != k) && (at == nameBirth.length - 1 || nameBirth[at + 1] != k);
                if (alone) {
                    return p;
                }
            }
            throw new IllegalStateException("no seeded person with a name kana and birth date of their own");
        }
    }
}
