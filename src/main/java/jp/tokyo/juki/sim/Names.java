package jp.tokyo.juki.sim;

import java.util.Random;

/** The names, towns and number writing the simulated people are made of. */
final class Names {
    static final String[][] SURNAMES = {{"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"},
            {"田中", "タナカ"}, {"伊藤", "イトウ"}, {"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"},
            {"小林", "コバヤシ"}, {"加藤", "カトウ"}, {"吉田", "ヨシダ"}, {"山田", "ヤマダ"}, {"佐々木", "ササキ"},
            {"松本", "マツモト"}, {"井上", "イノウエ"}, {"木村", "キムラ"}};
    static final String[][] GIVEN = {{"太郎", "タロウ"}, {"花子", "ハナコ"}, {"翔太", "ショウタ"},
            {"陽菜", "ヒナ"}, {"蓮", "レン"}, {"結衣", "ユイ"}, {"大輝", "ダイキ"}, {"美咲", "ミサキ"},
            {"悠真", "ユウマ"}, {"さくら", "サクラ"}, {"健一", "ケンイチ"}, {"由美", "ユミ"}};
    static final String[] TOWNS = {"本町", "緑町", "栄町", "中央", "旭町", "若葉", "桜台", "富士見町"};
    private static final String WIDE_DIGITS = "０１２３４５６７８９";

    private Names() {
    }

    /** {@code n} random ASCII digits. */
    static String digits(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    /** A number in full-width digits, as addresses write them (１２丁目). */
    static String wide(int n) {
        StringBuilder sb = new StringBuilder();
        for (char c : Integer.toString(n).toCharArray()) {
            sb.append(WIDE_DIGITS.charAt(c - '0'));
        }
        return sb.toString();
    }
}
