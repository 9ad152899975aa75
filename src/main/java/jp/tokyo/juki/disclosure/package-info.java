/**
 * Disclosure (開示請求, R-DISC, R-AUD-PERSON): a resident's request for their own record and for the
 * record of to whom it was provided — registered, checked against the record (4 items 突合), answered
 * with a printed form ({@code forms.FormPdf}) registered in the form register (帳票管理簿) — and the
 * correction and stop-of-use requests (訂正・追加・削除の申出, 利用停止請求) tracked to their outcome.
 * Its own schema and login role ({@code juki_disclosure}, V18); every step audited with the
 * operator, the terminal and the person's keyed hash, never a name.
 */
package jp.tokyo.juki.disclosure;
