package jp.tokyo.juki.wire;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The message types of PROTOCOL §2.4, each with the line it travels on, its direction and its
 * Japanese term. {@link #name()} is the wire name (the envelope's {@code type}), so adding a type
 * here is what makes a receiver serve it: the CS listener accepts {@link #csLine()}, and
 * {@code routes/cs-listener.camel.yaml} dispatches on the same names.
 *
 * <p>{@link Request#type()} stays the text a peer sent: a type outside this enum is refused
 * {@code E102} by {@link Request#read}, and {@link #of} tells a known one.
 */
public enum MessageType {
    /** 本人確認情報の更新: a change of a person in the honnin store (PROTOCOL §3.1). */
    HONNIN_UPDATE(Flow.CS_TO_GATEWAY, "本人確認情報の更新"),
    /** 附票本人確認情報の更新: a change of an annex in the fuhyo store (PROTOCOL §3.2). */
    FUHYO_UPDATE(Flow.CS_TO_GATEWAY, "附票本人確認情報の更新"),
    /** 整合性確認の開始: opens a consistency session for one store. */
    CONSISTENCY_BEGIN(Flow.CS_TO_GATEWAY, "整合性確認（開始）"),
    /** 整合性確認の記録: one chunk of at most 1,000 records of the session. */
    CONSISTENCY_RECORDS(Flow.CS_TO_GATEWAY, "整合性確認（記録）"),
    /** 整合性確認の終了: closes the intake and answers the result (PROTOCOL §2.5), or a part of it. */
    CONSISTENCY_END(Flow.CS_TO_GATEWAY, "整合性確認（終了）"),
    /** Keeps a connection open; answered ACK. */
    PING(Flow.EITHER_WAY, null),
    /** 本人確認情報の通知: the forwarded items of an accepted honnin update, to the national server. */
    HONNIN_NOTICE(Flow.TO_NATIONAL, "本人確認情報の通知"),
    /** 附票本人確認情報の通知: the forwarded annex of an accepted fuhyo update, to the fuhyo national server. */
    FUHYO_NOTICE(Flow.TO_FUHYO_NATIONAL, "附票本人確認情報の通知"),
    /** 本人確認情報の照会: a person asked of the national server (R-NQ). */
    HONNIN_QUERY(Flow.TO_NATIONAL, "本人確認情報の照会"),
    /** 附票本人確認情報の照会: a person asked of the fuhyo national server (R-NQ). */
    FUHYO_QUERY(Flow.TO_FUHYO_NATIONAL, "附票本人確認情報の照会");

    /** Who sends a message type to whom (PROTOCOL §2.4, column "direction"). */
    public enum Flow {
        /** a municipality's CS to the gateway, on the CS line */
        CS_TO_GATEWAY,
        /** the gateway to the national server */
        TO_NATIONAL,
        /** the gateway to the fuhyo national server */
        TO_FUHYO_NATIONAL,
        /** any peer to any other, on every line */
        EITHER_WAY
    }

    private static final Set<MessageType> CS_LINE = typesOf(Flow.CS_TO_GATEWAY);
    /** By wire name: {@link #of} runs for every frame, and {@code values()} copies the array each call. */
    private static final Map<String, MessageType> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(MessageType::name, t -> t));
    private static final Set<MessageType> NATIONAL_LINE = typesOf(Flow.TO_NATIONAL);
    private static final Set<MessageType> FUHYO_NATIONAL_LINE = typesOf(Flow.TO_FUHYO_NATIONAL);

    private final Flow flow;
    private final String japanese;

    MessageType(Flow flow, String japanese) {
        this.flow = flow;
        this.japanese = japanese;
    }

    /** Who sends this type to whom. */
    public Flow flow() {
        return flow;
    }

    /** The Japanese term, or null when the type has none ({@link #PING}). */
    public String japanese() {
        return japanese;
    }

    /** The types a CS sends to the gateway, {@link #PING} included: what the CS listener serves. */
    public static Set<MessageType> csLine() {
        return CS_LINE;
    }

    /**
     * The types the gateway sends to a national server, {@link #PING} included: what a national
     * server (or its simulator) serves.
     *
     * @param fuhyo the fuhyo national server rather than the national server
     */
    public static Set<MessageType> nationalLine(boolean fuhyo) {
        return fuhyo ? FUHYO_NATIONAL_LINE : NATIONAL_LINE;
    }

    /** The type of this wire name, or null when it names none (the text a peer sent may be anything). */
    public static MessageType of(String wireName) {
        return wireName == null ? null : BY_NAME.get(wireName);
    }

    /** True for the consistency messages ({@code CONSISTENCY_*}), which one flow serves. */
    public boolean isConsistency() {
        return this == CONSISTENCY_BEGIN || this == CONSISTENCY_RECORDS || this == CONSISTENCY_END;
    }

    private static Set<MessageType> typesOf(Flow flow) {
        EnumSet<MessageType> set = EnumSet.of(PING);
        Arrays.stream(values()).filter(t -> t.flow == flow).forEach(set::add);
        return Collections.unmodifiableSet(set);
    }
}
