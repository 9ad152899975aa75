/**
 * What the gateway runs on: configuration, the embedded PostgreSQL and Artemis broker of the
 * default installation (or external ones by configuration), and the assembly of the Camel
 * application from beans and the route files in {@code routes/}.
 */
package jp.tokyo.juki.platform;
