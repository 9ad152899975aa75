/**
 * The broker's dead letters (R-REL-DLQ) for operators: listing and reading them without taking
 * anything, replaying one to its queue or discarding it (each in one JMS transaction), masking
 * personal data for an operator's eyes, and the audit records of those actions.
 *
 * <p>It may import {@code wire}, {@code audit} and {@code platform}.
 */
package jp.tokyo.juki.deadletter;
