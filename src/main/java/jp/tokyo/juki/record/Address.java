package jp.tokyo.juki.record;

/** 住所 with its 外字数, 外字変更連番, 市町村コード and 大字・字コード. */
public record Address(String text, int gaijiCount, int gaijiChangeSeq, String municipalityCode, String azaCode) {
}
