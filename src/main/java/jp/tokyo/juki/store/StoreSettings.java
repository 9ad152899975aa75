package jp.tokyo.juki.store;

import jp.tokyo.juki.platform.Setting;

/** The update group commit ({@code juki.batch.*}). */
public final class StoreSettings {
    public static final Setting<Integer> WRITERS = Setting.positive("juki.batch.writers", 1, "transactions",
            "transactions committing in parallel (each connection's updates always go to the same one)");
    public static final Setting<Integer> MAX = Setting.positive("juki.batch.max", 256, "requests",
            "the most requests one transaction takes");

    private StoreSettings() {
    }
}
