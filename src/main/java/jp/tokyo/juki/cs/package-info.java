/**
 * The CS line (PROTOCOL §2): opening each frame's envelope, telling the sender from its
 * certificate, and answering what no flow serves. The flows themselves (honnin, later fuhyo
 * and consistency) are reached by content-based routing in {@code routes/cs-listener.camel.yaml}.
 */
package jp.tokyo.juki.cs;
