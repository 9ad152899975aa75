/**
 * The warm-up at start ({@code juki.warmup.seconds}, issue 16): {@link jp.tokyo.juki.warmup.Rehearsal} runs a
 * throwaway gateway on scratch state and drives it with the simulators, so the JIT has compiled the hot paths before
 * the real gateway opens its ports.
 *
 * <p>It may import {@code assembly} (to start the throwaway gateway), {@code sim} (its only peers), {@code security}
 * (its scratch PKI), {@code platform} and {@code record}. Only {@code cli} ({@code run}) and the harness ({@code bench updates --warm-simulators}) import it.
 */
package jp.tokyo.juki.warmup;
