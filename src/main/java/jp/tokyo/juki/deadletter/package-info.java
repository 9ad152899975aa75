/**
 * The broker's dead letters (R-REL-DLQ) for operators: listing and reading them without taking
 * anything, replaying one to its queue or discarding it (each in one JMS transaction), the
 * operator's decisions on them with their rules (masked or revealed, refused when a later notice
 * of the same person supersedes it) and the audit records of those actions, and the masking of
 * personal data for an operator's eyes. The operator API and the console call the desk as the
 * session's operator; the CLI's {@code ./gateway dlq} is a client of that API.
 *
 * <p>It may use the foundation ({@code record}, {@code wire}, {@code security}, {@code platform})
 * and {@code audit} (docs/architecture.md).
 */
package jp.tokyo.juki.deadletter;
