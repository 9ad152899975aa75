package jp.tokyo.juki.deadletter;

import jp.tokyo.juki.platform.Setting;

/**
 * The dead letters' settings. {@code juki.operators.administrators}, the list of who could see a
 * dead letter's personal items, is retired: that is the administrator role of the operator
 * register now (docs/operations/dlq.md).
 */
public final class DeadLetterSettings {
    public static final Setting<Void> ADMINISTRATORS = Setting.retired("juki.operators.administrators",
            "being an administrator is a role in the operator register now (issued with the operator API or the "
                    + "console, the first with ./gateway operators bootstrap); the role lets an operator reveal a "
                    + "dead letter's personal items: remove juki.operators.administrators");

    private DeadLetterSettings() {
    }
}
