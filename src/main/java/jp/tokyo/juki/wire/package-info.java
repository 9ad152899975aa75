/**
 * The contract with the peers (PROTOCOL §2 and §4): length-prefixed frames, request and reply
 * envelopes, message types, reply codes, and the agency files' layout. Depends on nothing else of
 * ours; the simulators use it as the peers would.
 */
package jp.tokyo.juki.wire;
