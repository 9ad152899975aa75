/**
 * The wire contract of PROTOCOL §2: length-prefixed frames, request and reply envelopes,
 * reply codes. Depends on nothing else of ours; the simulators use it as the peers would.
 */
package jp.tokyo.juki.wire;
