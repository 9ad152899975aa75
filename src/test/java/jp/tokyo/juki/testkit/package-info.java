/**
 * What the integration tests share: a gateway in this JVM ({@link jp.tokyo.juki.testkit.RunningGateway})
 * or as a child process ({@link jp.tokyo.juki.testkit.GatewayChild}), the test PKI, the requests a
 * CS sends, hostile CMS files, the system tools the interoperability tests drive, and reading the
 * metrics. Each IT lives in the package of the capability it tests and imports these.
 */
package jp.tokyo.juki.testkit;
