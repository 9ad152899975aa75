/**
 * The composition root: the one place that assembles a gateway — database, broker, keys, camel-main
 * loading {@code routes/*.camel.yaml} — and binds each capability's beans for the route files, one
 * wiring class per capability; also {@code ./gateway config check} and the identities of the
 * development PKI. Wiring only: no business rule lives here.
 *
 * <p>It may import every package of the gateway except {@code cli} and {@code harness}, which
 * (with the tests) are the only ones to import it.
 */
package jp.tokyo.juki.assembly;
