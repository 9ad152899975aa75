/**
 * The CS line (PROTOCOL §2), the steps of {@code routes/cs-listener.camel.yaml} around the
 * flows: a frame decoder per connection for camel-netty, opening each frame's envelope and
 * telling the sender from its certificate, answering {@code PING}, handing each exchange to the
 * audit, the update step of each store (its items checked, then its group commit), which reply
 * code answers which item rule, replies kept in request order while requests run concurrently,
 * and what the line's bounds and TLS handshake report (refusals audited, closings logged). The
 * flows themselves (honnin and fuhyo updates, the consistency check) are reached by
 * content-based routing in the route file.
 *
 * <p>It may use the foundation ({@code record}, {@code wire}, {@code security}, {@code platform}),
 * {@code store} and the capabilities below it ({@code audit}, {@code observe}); nothing but the
 * composition root uses it (docs/architecture.md).
 */
package jp.tokyo.juki.cs;
