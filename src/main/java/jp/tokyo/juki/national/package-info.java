/**
 * Notices to the national servers: the relay from each store's transactional outbox to its
 * persistent queue, and the framing and reply handling of the delivery route, whose retries,
 * per-person order and dead letters are set in {@code routes/national-*.camel.yaml}.
 */
package jp.tokyo.juki.national;
