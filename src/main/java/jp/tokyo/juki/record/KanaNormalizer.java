package jp.tokyo.juki.record;

import java.text.Normalizer;

/**
 * 清音化: the normalised kana form names are searched by (SPEC R-SRCH, after
 * 住民記録システム標準仕様書 §2.1.2). Two names that differ only in voicing marks, small
 * kana, long-vowel marks, dashes or spaces normalise to the same string.
 */
public final class KanaNormalizer {
    private static final String SMALL = "ァィゥェォッャュョヮヵヶ";
    private static final String LARGE = "アイウエオツヤユヨワカケ";
    private static final String O_ROW = "オコソトノホモヨロヲ";
    private static final String IGNORED = "ー―－‐ｰ-—–‑ 　";

    private KanaNormalizer() {
    }

    public static String normalize(String kana) {
        // half-width kana become full-width, and a half-width voiced mark joins its kana
        String s = Normalizer.normalize(kana, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (IGNORED.indexOf(c) >= 0) {
                continue;
            }
            char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
            if (c == 'ヴ') {
                // ヴァ=バ, ヴィ=ビ, ヴェ=ベ, ヴォ=ボ, ヴ=ブ — and voicing is dropped: ハ ヒ ヘ ホ フ
                int vowel = "ァィェォ".indexOf(next);
                if (vowel >= 0) {
                    out.append("ハヒヘホ".charAt(vowel));
                    i++;
                } else {
                    out.append('フ');
                }
                continue;
            }
            if (c == 'ヂ') {
                out.append('シ'); // ヂ=ジ=シ
                continue;
            }
            if (c == 'ヅ') {
                out.append('ス'); // ヅ=ズ=ス
                continue;
            }
            c = unvoiced(c);
            int small = SMALL.indexOf(c);
            if (small >= 0) {
                c = LARGE.charAt(small);
            }
            if (c == 'ヲ') {
                c = 'オ';
            }
            if (c == 'ウ' && out.length() > 0 && O_ROW.indexOf(out.charAt(out.length() - 1)) >= 0) {
                c = 'オ';
            }
            out.append(c);
        }
        return out.toString();
    }

    /** katakana block U+30A0–U+30FF without voiced / semi-voiced marks, computed once */
    private static final char[] UNVOICED = new char[0x60];

    static {
        for (int i = 0; i < UNVOICED.length; i++) {
            char c = (char) (0x30A0 + i);
            String decomposed = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD);
            boolean voiced = decomposed.length() == 2
                    && (decomposed.charAt(1) == '\u3099' || decomposed.charAt(1) == '\u309A');
            UNVOICED[i] = voiced ? decomposed.charAt(0) : c;
        }
    }

    private static char unvoiced(char c) {
        return c >= 0x30A0 && c <= 0x30FF ? UNVOICED[c - 0x30A0] : c;
    }
}
