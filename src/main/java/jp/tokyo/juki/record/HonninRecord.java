package jp.tokyo.juki.record;

/**
 * 本人確認情報 as a CS notifies it (PROTOCOL §3.1): the items a CS may send. The items the
 * gateway sets itself (normalised kana, dates, flags, sequence, operator) live in the store.
 *
 * @param formerSurname 旧氏, or {@code null}
 */
public record HonninRecord(String juminhyoCode, Name name, String birthDate, String sex, Address address,
                           String myNumber, String retentionFlag, String gaijiFlag, Name formerSurname) {
}
