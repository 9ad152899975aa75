package jp.tokyo.juki.platform;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The gateway's settings: {@code config/application.properties} (commented there) with
 * command-line overrides on top. The same properties feed camel-main, so route files use
 * them as {@code {{juki.cs.port}}} placeholders.
 */
public final class GatewayConfig {
    private final Properties props;

    private GatewayConfig(Properties props) {
        this.props = props;
    }

    public static GatewayConfig load(Path file, Map<String, String> overrides) throws IOException {
        Properties p = new Properties();
        if (!Files.exists(file)) {
            throw new IOException("configuration file not found: " + file);
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                p.setProperty(k, v);
            }
        });
        return new GatewayConfig(p);
    }

    public GatewayConfig with(Map<String, String> overrides) {
        Properties p = new Properties();
        p.putAll(props);
        overrides.forEach(p::setProperty);
        return new GatewayConfig(p);
    }

    public Properties asProperties() {
        Properties copy = new Properties();
        copy.putAll(props);
        return copy;
    }

    public String get(String key, String def) {
        String v = props.getProperty(key);
        return v == null || v.isBlank() ? def : v.strip();
    }

    public String require(String key) {
        String v = get(key, null);
        if (v == null) {
            throw new IllegalArgumentException("configuration: " + key + " must be set");
        }
        return v;
    }

    public int getInt(String key, int def) {
        String v = get(key, null);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration: " + key + " must be a whole number");
        }
    }

    public Duration getMillis(String key, long defMillis) {
        return Duration.ofMillis(getInt(key, (int) defMillis));
    }

    public Path path(String key, String def) {
        return Path.of(get(key, def));
    }

    public Path dataDir() {
        return path("juki.data.dir", "data");
    }

    public Path keystoresDir() {
        return path("juki.keystores.dir", "keystores");
    }

    public char[] keystorePassword() {
        return get("juki.keystores.password", "juki-dev").toCharArray();
    }
}
