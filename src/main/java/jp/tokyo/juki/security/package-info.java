/**
 * Identities and trust: the development PKI, certificate revocation, the TLS contexts of each
 * line and the rule of which certificate subject may appear on which port (PROTOCOL §1).
 */
package jp.tokyo.juki.security;
