/**
 * The gateway's lines to the national servers: notices (the relay from each store's
 * transactional outbox to its persistent queue, and the delivery route's framing and reply
 * handling, whose retries, per-person order and dead letters are set in
 * {@code routes/national-*.camel.yaml}), and queries to them ({@link jp.tokyo.juki.national.NationalQuery}, R-NQ).
 */
package jp.tokyo.juki.national;
