/**
 * The wire contract of PROTOCOL §2: length-prefixed frames, request and reply envelopes,
 * reply codes. Of ours it depends only on {@code record}, for the reply code of each class of item
 * rule ({@link jp.tokyo.juki.wire.Refusals}); the simulators use it as the peers would.
 */
package jp.tokyo.juki.wire;
