/**
 * The {@code ./gateway} command line (picocli): wiring of the gateway, the PKI tool, the
 * simulators, the demo and the benchmark. It holds no rules of its own.
 */
package jp.tokyo.juki.cli;
