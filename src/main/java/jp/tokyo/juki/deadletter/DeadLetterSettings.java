package jp.tokyo.juki.deadletter;

import jp.tokyo.juki.platform.Setting;

/** Who may see a dead letter's personal items ({@code juki.operators.*}; docs/operations/dlq.md). */
public final class DeadLetterSettings {
    public static final Setting<String> ADMINISTRATORS = Setting.text("juki.operators.administrators", "",
            "operator ids (comma-separated) who may see the personal items of a dead letter (dlq show --reveal)");

    private DeadLetterSettings() {
    }
}
