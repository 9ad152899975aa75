package jp.tokyo.juki.api;

import jp.tokyo.juki.platform.Setting;

/** The operator port's keys: where the operator API and console listen (routes/operator-api.camel.yaml). */
public final class ApiSettings {
    public static final Setting<String> HOST = Setting.text("juki.operator.host", "0.0.0.0",
            "address the operator API and console listen on (TLS 1.3, an operator's client certificate required)");
    public static final Setting<Integer> PORT = Setting.port("juki.operator.port", 8443,
            "port of the operator API and console");

    public static final Setting<Integer> SWEEP_MS = Setting.positive("juki.operator.sweep-ms", 60_000, "ms",
            "how often sessions past the idle or the absolute limit are ended (and their end audited)");

    private ApiSettings() {
    }
}
