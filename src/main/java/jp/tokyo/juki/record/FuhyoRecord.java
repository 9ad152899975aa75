package jp.tokyo.juki.record;

/**
 * 附票本人確認情報 as a CS notifies it (PROTOCOL §3.2, SPEC §2.2): the 18 items of a person on a
 * Tokyo family-register annex, wherever they live — abroad too. It has no My Number.
 *
 * @param formerJuminhyoCode 旧住民票コード, or {@code null}
 * @param managingMunicipalityCode 附票管理市町村コード: the municipality of the family register
 * @param status 附票本人確認情報状態区分: {@code 1} for a person who moved abroad (国外転出者)
 * @param gaijiPattern 外字パターン, or {@code null}
 * @param noticeKind 通知区分: ENTRY, CHANGE or DELETION
 */
public record FuhyoRecord(String juminhyoCode, Name name, String birthDate, String sex, Address address,
                          LastAddress lastAddress, String formerJuminhyoCode, String managingMunicipalityCode,
                          String status, String gaijiFlag, String gaijiPattern, String noticeKind) {

    /** 氏名: kanji, kana and 外字数. */
    public record Name(String kanji, String kana, int gaijiCount) {
    }

    /** 住所: 市町村コード (anywhere in Japan), text ({@code 国外} for a person abroad) and 外字数. */
    public record Address(String municipalityCode, String text, int gaijiCount) {
    }

    /** 最終住所: the last address in Japan, with its 外字数. */
    public record LastAddress(String text, int gaijiCount) {
    }

    /** 国外転出者: a person who moved abroad. */
    public boolean abroad() {
        return "1".equals(status);
    }
}
