package jp.tokyo.juki.platform;

/** Names of the exchange properties the route steps pass to each other. */
public final class ExchangeKeys {
    /** the checked {@link jp.tokyo.juki.wire.Request} */
    public static final String REQUEST = "jukiRequest";
    /** the certificate identity of the peer */
    public static final String PEER = "jukiPeer";
    /** the 住民票コード concerned (plain; only the audit tap sees them, and hashes them) */
    public static final String PERSONS = "jukiPersons";
    /** message type, set once the envelope is accepted; "REFUSED" otherwise */
    public static final String TYPE = "jukiType";
    /** the connection is closed after this reply (E100) */
    public static final String CLOSE = "CamelNettyCloseChannelWhenComplete";

    private ExchangeKeys() {
    }
}
