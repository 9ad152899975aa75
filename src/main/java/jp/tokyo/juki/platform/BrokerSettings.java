package jp.tokyo.juki.platform;

/** The message broker ({@code juki.broker.*}): embedded Artemis unless {@link #URL} names an external one. */
public final class BrokerSettings {
    public static final Setting<String> URL = Setting.of("juki.broker.url", Setting.Kind.BROKER_URL, null,
            "empty: an embedded Artemis under <data>/broker; else an external one, e.g. tcp://broker.example:61616");
    public static final Setting<String> USER = Setting.text("juki.broker.user", null, "the external broker's login");
    public static final Setting<String> PASSWORD = Setting.text("juki.broker.password", "", "the external broker's password");
    public static final Setting<String> ACCEPTOR = Setting.text("juki.broker.acceptor", null,
            "TCP acceptor of the embedded broker for operator tools on this host (loopback only); empty: none");

    private BrokerSettings() {
    }
}
