/**
 * The resident records themselves: items, reasons (異動事由), check digits, kana normalisation
 * (清音化) and the item rules of PROTOCOL §3. Depends on nothing else of ours.
 */
package jp.tokyo.juki.record;
