package jp.tokyo.juki.national;

import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.Setting;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.wire.MessageType;

/**
 * How one store reaches its national server: the schema whose outbox is relayed, the database
 * role its flows connect as, the queue, the notice type and envelope id prefix, the server's
 * identity and its host and port settings, and the advisory lock that makes one relay per outbox run
 * across gateway nodes.
 *
 * @param name         the store's schema and flow name ({@code honnin}, {@code fuhyo})
 * @param beanPrefix   the store in bean names, e.g. {@code national<Prefix>Delivery}
 * @param relayLock    the advisory lock id of the store's outbox relay
 * @param idPrefix     the prefix of the notices' envelope ids
 * @param peer         the national server's identity
 * @param host         the setting of the server's host
 * @param port         the setting of the server's port
 */
public record StoreLine(String name, String beanPrefix, String role, String queue, long relayLock,
                        MessageType noticeType, String idPrefix, String peer, Setting<String> host, Setting<Integer> port) {

    /** The honnin store to the national server (本人確認情報). */
    public static final StoreLine HONNIN = new StoreLine("honnin", "Honnin", EmbeddedDatabase.HONNIN_ROLE,
            Broker.NATIONAL_HONNIN_QUEUE, 0x4a554b4901L, MessageType.HONNIN_NOTICE, "HN", Identities.NATIONAL,
            NationalSettings.HOST, NationalSettings.PORT);

    /** The fuhyo store to the fuhyo national server (附票本人確認情報). */
    public static final StoreLine FUHYO = new StoreLine("fuhyo", "Fuhyo", EmbeddedDatabase.FUHYO_ROLE,
            Broker.NATIONAL_FUHYO_QUEUE, 0x4a554b4902L, MessageType.FUHYO_NOTICE, "FN", Identities.NATIONAL_FUHYO,
            NationalSettings.FUHYO_HOST, NationalSettings.FUHYO_PORT);
}
