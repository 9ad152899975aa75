package jp.tokyo.juki.wire;

import java.util.concurrent.CompletableFuture;

/**
 * A reply frame's payload with a signal completed once the frame encoder has written it, so
 * that the next reply on the same connection is written after it.
 */
public record OrderedReply(byte[] payload, CompletableFuture<Void> written) {
}
