/**
 * The fuhyo store (都道府県知事保存附票本人確認情報ファイル): {@code FUHYO_UPDATE} applied with
 * history and the {@code FUHYO_NOTICE} to the fuhyo national server. Its own schema and database
 * role; it never sees the honnin store, and holds no My Number.
 */
package jp.tokyo.juki.fuhyo;
