/**
 * Peer simulators that speak PROTOCOL.md over the real wire and the drop folders: a CS, the
 * national servers, an agency. They use only {@code wire}, {@code record} and {@code security}
 * (to load their own keys) — never the gateway's stores, routes or services.
 */
package jp.tokyo.juki.sim;
