package jp.tokyo.juki.platform;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configuration keys the gateway knows: the {@link Setting}s its capabilities declare, plus the
 * few camel-main keys checked here. {@code ./gateway config check} names a {@code juki.*} key not
 * among them as unknown (misspelt), a value of the wrong kind or range, and a retired key with
 * where its meaning went. {@code camel.*} keys are camel-main's and are checked only where listed.
 */
public final class ConfigKeys {
    /** The management port (health, metrics): camel-main's, checked as a port. */
    public static final Setting<Integer> MANAGEMENT_PORT = Setting.port("camel.management.port", 9876,
            "health and Prometheus metrics (camel-main's HTTP management server)");
    /** camel-main's: seconds to finish in-flight exchanges on shutdown. */
    public static final Setting<Integer> SHUTDOWN_TIMEOUT = Setting.positive("camel.main.shutdown-timeout", 45, "seconds",
            "seconds to finish in-flight exchanges on shutdown (SIGTERM) before forcing");

    private final Map<String, Setting<?>> keys = new LinkedHashMap<>();
    private final Map<Pattern, Setting<?>> templates = new LinkedHashMap<>();

    /** The gateway's keys: these declarations and the camel-main keys above; a key declared twice is a mistake. */
    public ConfigKeys(Collection<Setting<?>> declared) {
        for (Setting<?> s : declared) {
            add(s);
        }
        add(MANAGEMENT_PORT);
        add(SHUTDOWN_TIMEOUT);
    }

    private void add(Setting<?> s) {
        if (keys.putIfAbsent(s.key(), s) != null) {
            throw new IllegalStateException(s.key() + " is declared twice");
        }
        if (s.isTemplate()) {
            String[] parts = s.key().split("<[a-zA-Z]+>", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                regex.append(i == 0 ? "" : "[A-Za-z0-9_-]+").append(Pattern.quote(parts[i]));
            }
            templates.put(Pattern.compile(regex.toString()), s);
        }
    }

    /** The declaration of a key (a template's, for one of its instances), or null when the gateway does not know it. */
    public Setting<?> find(String key) {
        Setting<?> s = keys.get(key);
        if (s != null) {
            return s;
        }
        for (Map.Entry<Pattern, Setting<?>> e : templates.entrySet()) {
            if (e.getKey().matcher(key).matches()) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Every declaration, in the order declared. */
    public List<Setting<?>> all() {
        return List.copyOf(keys.values());
    }
}
