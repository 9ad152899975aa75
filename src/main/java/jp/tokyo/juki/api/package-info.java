/**
 * The operator API and console's HTTP side (issue 12, SPEC R-SEC-AUTHZ): the beans the routes of
 * {@code routes/operator-api.camel.yaml} call. {@link jp.tokyo.juki.api.ApiGate} authenticates every
 * request (client certificate of the handshake, still trusted, and a session of the operator
 * register), authorises it by role ({@link jp.tokyo.juki.operator.Permission}) and audits it before
 * it takes effect; the action beans then delegate to their capability (agency approvals, dead
 * letters, audit, national query, link figures, the operator register). Nothing here holds a rule
 * of those capabilities; only {@code assembly} uses this package.
 */
package jp.tokyo.juki.api;
