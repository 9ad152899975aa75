package jp.tokyo.juki.sim;

import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Name;

/**
 * A municipality's full set of persons as a CS holds it, generated deterministically from a
 * seed: person {@code i} is the same every time, for the honnin store ({@link #honnin}) and the
 * fuhyo store ({@link #fuhyo}), so a store loaded with the set (over the wire, or directly by
 * the benchmark) and a later consistency check agree on what "the same" is. 住民票コード and
 * 個人番号 are distinct for distinct {@code i} (an affine map onto the 10 and 11 leading digits)
 * and come in no particular order.
 *
 * <p>{@link #variant} then changes one person in a known way for a drifted check, and says
 * which items that changes.
 */
public final class ResidentSet {
    private static final String DIGITS = "０１２３４５６７８９";
    /** multipliers coprime with 10, so i ↦ (a·i + b) mod 10^n is one-to-one */
    private static final long CODE_A = 6_364_136_223L;
    private static final long NUMBER_A = 2_862_933_557L;
    private static final long TEN_10 = 10_000_000_000L;
    private static final long TEN_11 = 100_000_000_000L;

    /** How many kinds of deliberate change {@link #variant} knows. */
    public static final int VARIANTS = 6;

    private final String municipality;
    private final String municipalityName;
    private final long seed;
    private final long codeB;
    private final long numberB;

    public ResidentSet(String municipality, String municipalityName, long seed) {
        this.municipality = municipality;
        this.municipalityName = municipalityName;
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + Long.parseLong(municipality));
        this.codeB = Math.floorMod(r.nextLong(), TEN_10);
        this.numberB = Math.floorMod(r.nextLong(), TEN_11);
    }

    /** What every address of this set begins with: 東京都 and the municipality's name. */
    public String addressPrefix() {
        return "東京都" + municipalityName;
    }

    public String municipality() {
        return municipality;
    }

    /** The 住民票コード of person {@code i}. */
    public String code(long i) {
        return CheckDigits.completeJuminhyoCode(padded(Math.floorMod(CODE_A * i + codeB, TEN_10), 10));
    }

    private String myNumber(long i) {
        return CheckDigits.completeMyNumber(padded(Math.floorMod(NUMBER_A * i + numberB, TEN_11), 11));
    }

    /** {@code n} in {@code width} digits with leading zeros (String.format is too slow for a million). */
    private static String padded(long n, int width) {
        char[] digits = new char[width];
        for (int k = width - 1; k >= 0; k--) {
            digits[k] = (char) ('0' + n % 10);
            n /= 10;
        }
        return new String(digits);
    }

    private SplittableRandom random(long i, long salt) {
        return new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L) ^ salt);
    }

    /** A number in [0, 1) fixed for person {@code i} and {@code salt} (which persons drift, and how). */
    public double roll(long i, long salt) {
        return random(i, salt * 0x632BE59BD9B4E019L + 1).nextDouble();
    }

    /** Person {@code i} as the honnin store holds them (PROTOCOL §3.1). */
    public HonninRecord honnin(long i) {
        SplittableRandom r = random(i, 1);
        String[] s = Names.SURNAMES[r.nextInt(Names.SURNAMES.length)];
        String[] g = Names.GIVEN[r.nextInt(Names.GIVEN.length)];
        Name name = new Name(s[0] + " " + g[0], s[1] + " " + g[1], 0, 0);
        String birth = LocalDate.of(1930 + r.nextInt(90), 1 + r.nextInt(12), 1 + r.nextInt(28)).toString();
        String sex = r.nextBoolean() ? "1" : "2";
        Address address = new Address(address(r), 0, 0, municipality, padded(r.nextInt(1_000_000), 6));
        Name former = r.nextInt(20) == 0 ? new Name(Names.SURNAMES[r.nextInt(Names.SURNAMES.length)][0],
                Names.SURNAMES[r.nextInt(Names.SURNAMES.length)][1], 0, 0) : null;
        return new HonninRecord(code(i), name, birth, sex, address, myNumber(i), "0", "0", former);
    }

    /** Person {@code i} as the fuhyo store holds them (PROTOCOL §3.2); one in twenty lives abroad. */
    public FuhyoRecord fuhyo(long i) {
        SplittableRandom r = random(i, 2);
        String[] s = Names.SURNAMES[r.nextInt(Names.SURNAMES.length)];
        String[] g = Names.GIVEN[r.nextInt(Names.GIVEN.length)];
        FuhyoRecord.Name name = new FuhyoRecord.Name(s[0] + " " + g[0], s[1] + " " + g[1], 0);
        String birth = LocalDate.of(1930 + r.nextInt(90), 1 + r.nextInt(12), 1 + r.nextInt(28)).toString();
        String sex = r.nextBoolean() ? "1" : "2";
        String lastAddress = address(r);
        boolean abroad = r.nextInt(20) == 0;
        FuhyoRecord.Address address = new FuhyoRecord.Address(municipality, abroad ? "国外" : lastAddress, 0);
        return new FuhyoRecord(code(i), name, birth, sex, address, new FuhyoRecord.LastAddress(lastAddress, 0), null,
                municipality, abroad ? "1" : "0", "0", "", "ENTRY");
    }

    /** Deliberate change {@code v} (0 … {@link #VARIANTS}−1) of a honnin record, still valid. */
    public static HonninRecord variant(HonninRecord r, int v) {
        Name n = r.name();
        Address a = r.address();
        return switch (v) {
            case 0 -> new HonninRecord(r.juminhyoCode(), n, r.birthDate(), r.sex(), new Address(a.text() + "別館",
                    a.gaijiCount(), a.gaijiChangeSeq(), a.municipalityCode(), a.azaCode()), r.myNumber(),
                    r.retentionFlag(), r.gaijiFlag(), r.formerSurname());
            case 1 -> new HonninRecord(r.juminhyoCode(), new Name(n.kanji() + "子", n.kana() + "コ", 0, 0), r.birthDate(),
                    r.sex(), a, r.myNumber(), r.retentionFlag(), r.gaijiFlag(), r.formerSurname());
            case 2 -> new HonninRecord(r.juminhyoCode(), n, LocalDate.parse(r.birthDate()).plusDays(1).toString(), r.sex(),
                    a, r.myNumber(), r.retentionFlag(), r.gaijiFlag(), r.formerSurname());
            case 3 -> new HonninRecord(r.juminhyoCode(), n, r.birthDate(), r.sex(), a, otherMyNumber(r.myNumber()),
                    r.retentionFlag(), r.gaijiFlag(), r.formerSurname());
            case 4 -> new HonninRecord(r.juminhyoCode(), new Name("{MJ000001}" + n.kanji(), n.kana(), 1, 1),
                    r.birthDate(), r.sex(), a, r.myNumber(), r.retentionFlag(), "1", r.formerSurname());
            case 5 -> new HonninRecord(r.juminhyoCode(), n, r.birthDate(), r.sex(), a, r.myNumber(), r.retentionFlag(),
                    r.gaijiFlag(), r.formerSurname() == null ? new Name("旧姓", "キュウセイ", 0, 0) : null);
            default -> throw new IllegalArgumentException("no variant " + v);
        };
    }

    /** The items {@link #variant(HonninRecord, int)} changes, by their member names. */
    public static List<String> honninItems(int v) {
        return switch (v) {
            case 0 -> List.of("address");
            case 1 -> List.of("name");
            case 2 -> List.of("birthDate");
            case 3 -> List.of("myNumber");
            case 4 -> List.of("name", "gaijiFlag");
            case 5 -> List.of("formerSurname");
            default -> throw new IllegalArgumentException("no variant " + v);
        };
    }

    /** Deliberate change {@code v} of a fuhyo record, still valid. */
    public static FuhyoRecord variant(FuhyoRecord r, int v) {
        FuhyoRecord.Name n = r.name();
        FuhyoRecord.Address a = r.address();
        return switch (v) {
            case 0 -> new FuhyoRecord(r.juminhyoCode(), n, r.birthDate(), r.sex(), a,
                    new FuhyoRecord.LastAddress(r.lastAddress().text() + "別館", 0), r.formerJuminhyoCode(),
                    r.managingMunicipalityCode(), r.status(), r.gaijiFlag(), r.gaijiPattern(), r.noticeKind());
            case 1 -> new FuhyoRecord(r.juminhyoCode(), new FuhyoRecord.Name(n.kanji() + "子", n.kana() + "コ", 0),
                    r.birthDate(), r.sex(), a, r.lastAddress(), r.formerJuminhyoCode(), r.managingMunicipalityCode(),
                    r.status(), r.gaijiFlag(), r.gaijiPattern(), r.noticeKind());
            case 2 -> new FuhyoRecord(r.juminhyoCode(), n, LocalDate.parse(r.birthDate()).plusDays(1).toString(),
                    r.sex(), a, r.lastAddress(), r.formerJuminhyoCode(), r.managingMunicipalityCode(), r.status(),
                    r.gaijiFlag(), r.gaijiPattern(), r.noticeKind());
            case 3 -> r.abroad()
                    // back from abroad: the last address is where they live again
                    ? new FuhyoRecord(r.juminhyoCode(), n, r.birthDate(), r.sex(),
                    new FuhyoRecord.Address(a.municipalityCode(), r.lastAddress().text(), 0), r.lastAddress(),
                    r.formerJuminhyoCode(), r.managingMunicipalityCode(), "0", r.gaijiFlag(), r.gaijiPattern(),
                    r.noticeKind())
                    : new FuhyoRecord(r.juminhyoCode(), n, r.birthDate(), r.sex(),
                    new FuhyoRecord.Address(a.municipalityCode(), "国外", 0), r.lastAddress(), r.formerJuminhyoCode(),
                    r.managingMunicipalityCode(), "1", r.gaijiFlag(), r.gaijiPattern(), r.noticeKind());
            case 4 -> new FuhyoRecord(r.juminhyoCode(), new FuhyoRecord.Name("{MJ000001}" + n.kanji(), n.kana(), 1),
                    r.birthDate(), r.sex(), a, r.lastAddress(), r.formerJuminhyoCode(), r.managingMunicipalityCode(),
                    r.status(), "1", r.gaijiPattern(), r.noticeKind());
            case 5 -> new FuhyoRecord(r.juminhyoCode(), n, r.birthDate(), r.sex(), a, r.lastAddress(),
                    r.formerJuminhyoCode(), r.managingMunicipalityCode(), r.status(), r.gaijiFlag(), "P1",
                    r.noticeKind());
            default -> throw new IllegalArgumentException("no variant " + v);
        };
    }

    /** The items {@link #variant(FuhyoRecord, int)} changes. */
    public static List<String> fuhyoItems(int v) {
        return switch (v) {
            case 0 -> List.of("lastAddress");
            case 1 -> List.of("name");
            case 2 -> List.of("birthDate");
            case 3 -> List.of("address", "status");
            case 4 -> List.of("name", "gaijiFlag");
            case 5 -> List.of("gaijiPattern");
            default -> throw new IllegalArgumentException("no variant " + v);
        };
    }

    private static String otherMyNumber(String myNumber) {
        String first = myNumber.substring(0, 10) + (char) ('0' + (myNumber.charAt(10) - '0' + 1) % 10);
        return CheckDigits.completeMyNumber(first);
    }

    private String address(SplittableRandom r) {
        return "東京都" + municipalityName + Names.TOWNS[r.nextInt(Names.TOWNS.length)] + Names.wide(1 + r.nextInt(5)) + "丁目"
                + Names.wide(1 + r.nextInt(30)) + "番" + Names.wide(1 + r.nextInt(20)) + "号";
    }
}
