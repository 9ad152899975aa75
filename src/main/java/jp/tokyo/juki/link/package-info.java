/**
 * R-LINK, the only bridge between the honnin and fuhyo stores: for a person abroad (国外転出者)
 * and a business 番号法 allows, the My Number is read from the honnin store by 住民票コード into a
 * temporary hold of its own, and erased after delivery or a configured maximum. Imports neither
 * store's package; its own database role reads only the columns the decision needs.
 */
package jp.tokyo.juki.link;
