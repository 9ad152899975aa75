/**
 * The contract with the peers (PROTOCOL §2 and §4): length-prefixed frames, request and reply
 * envelopes, message types ({@link jp.tokyo.juki.wire.MessageType}), reply codes, and the agency
 * files' layout ({@link jp.tokyo.juki.wire.AgencyFileFormat}). Of ours it depends only on
 * {@code record}, for the reply code of each class of item rule ({@link jp.tokyo.juki.wire.Refusals});
 * the simulators use it as the peers would.
 */
package jp.tokyo.juki.wire;
