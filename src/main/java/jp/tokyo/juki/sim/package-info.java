/**
 * Peer simulators that speak PROTOCOL.md over the real wire, for the demo, the benchmarks and
 * the tests: a municipal CS sending updates ({@code CsSimulator}) or running a consistency check
 * with a drift it planted ({@code ConsistencySimulator}), a national server or fuhyo national
 * server with its own population ({@code NationalSimulator}), and an agency using its SFTP drop
 * folder with signed, encrypted request files ({@code AgencyClient}); and the deterministic
 * populations they draw on.
 *
 * <p>They use only {@code wire}, {@code record} and {@code security} (to load their own keys) —
 * never the gateway's stores, routes or services: a simulator that reaches inside the gateway
 * proves nothing. Only {@code cli} and {@code harness} start them.
 */
package jp.tokyo.juki.sim;
