/**
 * The gateway's lines to the national servers (全国サーバ and the fuhyo national server).
 * Notices: the relay from each store's transactional outbox to its persistent queue
 * ({@code OutboxRelay}), how a store's notices look on the line and are audited
 * ({@code NationalNotices}), and their delivery a page at a time, pipelined, with back-off and
 * dead letters ({@code NationalDelivery}), called by {@code routes/national-*.camel.yaml}; each
 * store's line to its server ({@code StoreLine}: queue, identity, id prefix, relay lock, port).
 * Queries (R-NQ): {@code NationalQuery} over one shared connection per server
 * ({@code QueryLine}), its keys and their rules, and the reading of the records a server answers
 * with.
 *
 * <p>It may use the foundation ({@code record}, {@code wire}, {@code security}, {@code platform})
 * and the capabilities below it ({@code audit}); no store: what a store has to send reaches it
 * through the outbox tables (docs/architecture.md).
 */
package jp.tokyo.juki.national;
