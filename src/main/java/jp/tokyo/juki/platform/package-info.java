/**
 * The runtime the gateway runs on, and nothing of its business: the configuration
 * ({@code config/application.properties} with command-line overrides, and the table of known
 * keys behind {@code ./gateway config check}), the database (an external PostgreSQL, or the
 * embedded one with its login passwords and the clean-up of a postmaster left behind; PostgreSQL
 * {@code COPY} text), the Artemis broker (external, or embedded with its single login) and small
 * JMS helpers, how an operator tool reaches a running gateway's database and broker, free
 * loopback ports, and the names of the exchange properties route steps pass to each other.
 *
 * <p>It uses nothing of ours (docs/architecture.md): the update transaction, group commit and
 * person tables are in {@code store}, the SFTP drop-folder server in {@code agency}, the assembly
 * of the gateway in {@code assembly}.
 */
package jp.tokyo.juki.platform;
