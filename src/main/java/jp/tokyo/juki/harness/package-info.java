/**
 * The development harness: {@code ./gateway demo} and {@code ./gateway bench} (updates,
 * consistency, agency, audit, soak), which start a gateway — as a process of its own, or in
 * process for the audit bench — drive it with the simulators and print what they measured. No
 * business rule lives here.
 *
 * <p>It may import {@code sim}, {@code assembly}, {@code cli} (to run the CLI's commands as an
 * operator would) and what it needs to set a run up and check its results ({@code security},
 * {@code record}, {@code platform}, the agency directory, the audit's writer and verifier, the
 * honnin bulk load). Only {@code cli} imports it.
 */
package jp.tokyo.juki.harness;
