package jp.tokyo.juki.platform;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * The gateway's settings, resolved as Camel resolves its properties. A key's value is, first found:
 * a command-line {@code --set}; the environment variable named like the key in upper case with dots
 * and dashes as underscores ({@code JUKI_DB_PASSWORD} for {@code juki.db.password}, as camel-main maps
 * its own); {@code config/application.properties}; the default its {@link Setting} declares. A value
 * may hold {@code {{env:NAME}}} or {@code {{env:NAME:default}}}, replaced by that environment variable,
 * so secrets need neither the file nor {@code --set} (which {@code ps} shows). A blank value is unset.
 * The same resolved properties feed camel-main, so route files use them as {@code {{juki.cs.port}}}.
 */
public final class GatewayConfig {
    private static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");

    private final Properties file;
    private final Map<String, String> overrides;
    private final Map<String, String> env;

    private GatewayConfig(Properties file, Map<String, String> overrides, Map<String, String> env) {
        this.file = file;
        this.overrides = Map.copyOf(overrides);
        this.env = Map.copyOf(env);
    }

    /** The file with these {@code --set} overrides (null values ignored) and the process environment. */
    public static GatewayConfig load(Path file, Map<String, String> overrides) throws IOException {
        return load(file, overrides, System.getenv());
    }

    /** As {@link #load(Path, Map)} with the environment given (tests). */
    public static GatewayConfig load(Path file, Map<String, String> overrides, Map<String, String> environment)
            throws IOException {
        Properties p = new Properties();
        if (!Files.exists(file)) {
            throw new IOException("configuration file not found: " + file);
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new GatewayConfig(p, withoutNulls(overrides), environment);
    }

    /** Settings from these properties alone, with no environment (tests and tools). */
    public static GatewayConfig of(Map<String, String> properties) {
        Properties p = new Properties();
        p.putAll(withoutNulls(properties));
        return new GatewayConfig(p, Map.of(), Map.of());
    }

    /** The same settings with more {@code --set} overrides on top. */
    public GatewayConfig with(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(overrides);
        all.putAll(withoutNulls(more));
        return new GatewayConfig(file, all, env);
    }

    private static Map<String, String> withoutNulls(Map<String, String> m) {
        Map<String, String> copy = new HashMap<>();
        m.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    /** The environment variable that sets {@code key}: upper case, dots and dashes as underscores. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * {@code value} with each {@code {{env:NAME}}} / {@code {{env:NAME:default}}} replaced from
     * {@code environment}; an unset variable without a default is an error naming {@code key}.
     */
    public static String expand(String key, String value, Map<String, String> environment) {
        if (value == null || !value.contains("{{env:")) {
            return value;
        }
        Matcher m = ENV.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = environment.get(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                throw new IllegalArgumentException("configuration: " + key + ": environment variable " + m.group(1)
                        + " is not set (and {{env:" + m.group(1) + ":…}} gives no default)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether the key is given at all (--set, environment or file), blank or not. */
    public boolean isPresent(String key) {
        return overrides.containsKey(key) || env.containsKey(environmentName(key)) || file.containsKey(key);
    }

    /** Where the key's value comes from: "--set", the environment variable's name, the file, or null (not given). */
    public String source(String key) {
        if (overrides.containsKey(key)) {
            return "--set";
        }
        String name = environmentName(key);
        if (env.containsKey(name)) {
            return name;
        }
        return file.containsKey(key) ? "application.properties" : null;
    }

    /** The resolved value of a key, null when not given or blank. */
    private String value(String key) {
        String v = overrides.get(key);
        if (v == null) {
            v = env.get(environmentName(key));
        }
        if (v == null) {
            v = file.getProperty(key);
        }
        v = expand(key, v, env);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The typed value of a declared key: as given (see the class comment), else its default (may be null). */
    public <T> T get(Setting<T> setting) {
        return setting.parse(value(setting.key()), Path.of(""));
    }

    /** A declared key's value, or an error naming it when it is neither given nor defaulted. */
    public <T> T require(Setting<T> setting) {
        T v = get(setting);
        if (v == null) {
            throw new IllegalArgumentException("configuration: " + setting.key() + " must be set");
        }
        return v;
    }

    /** The resolved value of any key (camel-main's included) as text, or {@code def}. */
    public String get(String key, String def) {
        String v = value(key);
        return v == null ? def : v;
    }

    /**
     * The resolved properties for camel-main: every key of the file and the overrides, with the
     * environment and {@code {{env:…}}} applied.
     */
    public Properties asProperties() {
        Properties resolved = new Properties();
        for (String key : file.stringPropertyNames()) {
            resolved.setProperty(key, raw(key));
        }
        overrides.keySet().forEach(key -> resolved.setProperty(key, raw(key)));
        return resolved;
    }

    /**
     * Hands the resolved properties to camel-main for the route files' placeholders. Camel would look
     * up {@code JUKI_*} environment variables before them; it is told to do so only for keys it has no
     * value of, so a {@code --set} wins in route files as it does here.
     */
    public void applyTo(Main main) {
        main.setInitialProperties(asProperties());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                if (m.getCamelContext().getPropertiesComponent() instanceof PropertiesComponent pc) {
                    pc.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_FALLBACK);
                }
            }
        });
    }

    private String raw(String key) {
        String v = value(key);
        return v == null ? "" : v;
    }

    public Path dataDir() {
        return get(FileSettings.DATA_DIR);
    }

    public Path keystoresDir() {
        return get(FileSettings.KEYSTORES_DIR);
    }

    public char[] keystorePassword() {
        return get(FileSettings.KEYSTORES_PASSWORD).toCharArray();
    }
}
