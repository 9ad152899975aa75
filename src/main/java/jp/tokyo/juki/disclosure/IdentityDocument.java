package jp.tokyo.juki.disclosure;

/**
 * How the requester's identity was checked at the counter (本人確認書類): a kind, never the
 * document's number.
 */
public enum IdentityDocument {
    /** マイナンバーカード (個人番号カード) */
    MY_NUMBER_CARD,
    /** 運転免許証 */
    DRIVERS_LICENSE,
    /** 旅券 */
    PASSPORT,
    /** 在留カード・特別永住者証明書 */
    RESIDENCE_CARD,
    /** 健康保険の資格確認書など、写真のない書類を2点 */
    TWO_DOCUMENTS,
    /** 代理人: 委任状と代理人の本人確認書類 */
    PROXY
}
