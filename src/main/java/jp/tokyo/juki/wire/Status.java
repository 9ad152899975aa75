package jp.tokyo.juki.wire;

/** Reply status (PROTOCOL §2.3). */
public enum Status { ACK, NACK, DUPLICATE }
