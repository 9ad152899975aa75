/**
 * Peer simulators that speak PROTOCOL.md over the real wire: a CS, a national server. They
 * use only {@code wire}, {@code record} and {@code security} (to load their own keys) — never
 * the gateway's stores, routes or services.
 */
package jp.tokyo.juki.sim;
