package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.record.RecordJson;

/**
 * The people a simulated national server knows besides those Tokyo notified it of: residents
 * of other prefectures (honnin), and persons on family-register annexes kept outside Tokyo
 * (fuhyo), some of them abroad. Generated from a fixed seed, so every run — and a test that
 * picks person n — sees the same people; codes and My Numbers are unique and carry valid check
 * digits, and every municipality code is a real one outside Tokyo.
 */
final class NationalPopulation {
    /** 団体コード (valid check digits) and the prefecture and city they stand for — none in Tokyo. */
    private static final String[][] PLACES = {{"271004", "大阪府大阪市"}, {"011002", "北海道札幌市"},
            {"141003", "神奈川県横浜市"}, {"231002", "愛知県名古屋市"}, {"401005", "福岡県福岡市"},
            {"261009", "京都府京都市"}, {"341002", "広島県広島市"}, {"041009", "宮城県仙台市"}};
    private static final String[][] SURNAMES = {{"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"},
            {"田中", "タナカ"}, {"伊藤", "イトウ"}, {"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"},
            {"小林", "コバヤシ"}, {"加藤", "カトウ"}, {"吉田", "ヨシダ"}, {"山口", "ヤマグチ"}, {"松本", "マツモト"},
            {"井上", "イノウエ"}, {"木村", "キムラ"}, {"林", "ハヤシ"}, {"斎藤", "サイトウ"}, {"清水", "シミズ"},
            {"後藤", "ゴトウ"}, {"長谷川", "ハセガワ"}};
    private static final String[][] GIVEN = {{"大翔", "ヒロト"}, {"陽葵", "ヒマリ"}, {"蒼", "アオイ"},
            {"凛", "リン"}, {"湊", "ミナト"}, {"紬", "ツムギ"}, {"樹", "イツキ"}, {"芽依", "メイ"}, {"誠", "マコト"},
            {"恵子", "ケイコ"}, {"浩二", "コウジ"}, {"洋子", "ヨウコ"}, {"修", "オサム"}, {"幸子", "サチコ"},
            {"勇気", "ユウキ"}, {"千尋", "チヒロ"}, {"拓海", "タクミ"}, {"優奈", "ユウナ"}, {"隆", "タカシ"},
            {"智子", "トモコ"}};
    private static final String[] TOWNS = {"中央", "本町", "北町", "南町", "東町", "西町", "緑ヶ丘", "旭町"};
    private static final String DIGITS = "０１２３４５６７８９";
    static final String ABROAD = "国外";

    /** One generated person; {@code addressMunicipality}/{@code address} is where they live, or 国外. */
    record Person(String code, String myNumber, String kanji, String kana, String birthDate, String sex,
                  String addressMunicipality, String address, String aza, String lastAddress, String managing,
                  boolean abroad) {
    }

    private NationalPopulation() {
    }

    static List<Person> honnin(int size, long seed) {
        return generate(size, new Random(seed), false);
    }

    static List<Person> fuhyo(int size, long seed) {
        return generate(size, new Random(seed), true);
    }

    private static List<Person> generate(int size, Random random, boolean annex) {
        List<Person> people = new ArrayList<>(size);
        Set<String> codes = new HashSet<>();
        Set<String> numbers = new HashSet<>();
        while (people.size() < size) {
            String code = CheckDigits.completeJuminhyoCode(Names.digits(random, 10));
            String number = CheckDigits.completeMyNumber(Names.digits(random, 11));
            if (!codes.add(code) || !numbers.add(number)) {
                continue;
            }
            String[] s = SURNAMES[random.nextInt(SURNAMES.length)];
            String[] g = GIVEN[random.nextInt(GIVEN.length)];
            String birth = LocalDate.of(1925 + random.nextInt(100), 1 + random.nextInt(12), 1 + random.nextInt(28)).toString();
            String sex = random.nextBoolean() ? "1" : "2";
            String[] home = PLACES[random.nextInt(PLACES.length)];
            // an annex is kept where the family register is; the person may live elsewhere, or abroad
            String[] register = annex && random.nextInt(5) == 0 ? PLACES[random.nextInt(PLACES.length)] : home;
            boolean abroad = annex && random.nextInt(10) == 0;
            String address = home[1] + TOWNS[random.nextInt(TOWNS.length)] + Names.wide(1 + random.nextInt(9)) + "丁目"
                    + Names.wide(1 + random.nextInt(30)) + "番" + Names.wide(1 + random.nextInt(20)) + "号";
            people.add(new Person(code, annex ? null : number, s[0] + " " + g[0], s[1] + " " + g[1], birth, sex, home[0],
                    abroad ? ABROAD : address, String.format("%06d", random.nextInt(1_000_000)), address, register[0],
                    abroad));
        }
        return people;
    }

    /** A resident's record as the national server answers it (PROTOCOL §3.1). */
    static ObjectNode honninRecord(Person p) {
        return RecordJson.honnin(new HonninRecord(p.code(), new Name(p.kanji(), p.kana(), 0, 0), p.birthDate(), p.sex(),
                new Address(p.address(), 0, 0, p.addressMunicipality(), p.aza()), p.myNumber(), "0", "0", null));
    }

    /** An annex's record as the fuhyo national server answers it (PROTOCOL §3.2). */
    static ObjectNode fuhyoRecord(Person p) {
        return RecordJson.fuhyo(new FuhyoRecord(p.code(), new FuhyoRecord.Name(p.kanji(), p.kana(), 0), p.birthDate(),
                p.sex(), new FuhyoRecord.Address(p.addressMunicipality(), p.address(), 0),
                new FuhyoRecord.LastAddress(p.lastAddress(), 0), null, p.managing(), p.abroad() ? "1" : "0", "0", null,
                "ENTRY"));
    }


}
