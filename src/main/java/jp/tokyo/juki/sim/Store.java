package jp.tokyo.juki.sim;

import jp.tokyo.juki.wire.MessageType;

/**
 * Which store a simulated CS's messages are for: the honnin store (本人確認情報, {@code HONNIN_UPDATE})
 * or the fuhyo store (附票本人確認情報, {@code FUHYO_UPDATE}); also the {@code store} member of
 * {@code CONSISTENCY_BEGIN}.
 */
public enum Store {
    HONNIN(MessageType.HONNIN_UPDATE),
    FUHYO(MessageType.FUHYO_UPDATE);

    private final MessageType updateType;

    Store(MessageType updateType) {
        this.updateType = updateType;
    }

    /** The message type that updates this store. */
    public MessageType updateType() {
        return updateType;
    }
}
