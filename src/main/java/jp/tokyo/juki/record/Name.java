package jp.tokyo.juki.record;

/** 氏名 (or 旧氏): kanji, kana, 外字数 and 外字変更連番. */
public record Name(String kanji, String kana, int gaijiCount, int gaijiChangeSeq) {
}
