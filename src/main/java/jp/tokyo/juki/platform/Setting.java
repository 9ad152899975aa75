package jp.tokyo.juki.platform;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key, declared once in its capability's settings record (as camel-netty's
 * {@code @UriParam} declares an endpoint option): the key, the kind of value, the default, the unit,
 * the allowed range and what it does. {@link GatewayConfig#get(Setting)} reads it typed;
 * {@code ./gateway config check} and {@link ConfigKeys} are derived from the declarations. A key
 * with a {@code <name>} part (e.g. {@code juki.db.<role>.user}) is a template: {@link #named} makes
 * the key of one instance.
 *
 * @param key          the configuration key
 * @param kind         what a value must look like
 * @param defaultValue the value when the key is not set (or blank); null: none
 * @param unit         the unit of a number ("ms", "seconds", "MiB", …), empty if none
 * @param min          smallest allowed number (numbers only)
 * @param max          largest allowed number (numbers only)
 * @param description  what the key does; for a retired key, where its meaning went
 * @param reason       why the range is what it is (appended to the range message), empty if not said
 * @param parser       the typed value of a checked, non-null text
 * @param <T>          the type of the value
 */
public record Setting<T>(String key, Kind kind, String defaultValue, String unit, long min, long max, String description,
                         String reason, Function<String, T> parser) {

    /** What a value must be; {@code check} answers null when fine, else why not (no value quoted). */
    public enum Kind {
        TEXT, WHOLE, POSITIVE, PORT, BOOLEAN, SIZE, DIRECTORY, FILE, JDBC_URL, BROKER_URL, RETIRED;

        public String check(String value, Path base) {
            String v = value.strip();
            boolean empty = v.isEmpty();
            return switch (this) {
                case TEXT, RETIRED -> null;
                case WHOLE -> empty || v.matches("\\d{1,9}") ? null : "must be a whole number";
                case POSITIVE -> empty || v.matches("0*[1-9]\\d{0,8}") ? null : "must be a whole number of at least 1";
                case PORT -> empty || (v.matches("\\d{1,5}") && Integer.parseInt(v) <= 65535) ? null
                        : "must be a port number (0-65535)";
                case BOOLEAN -> empty || v.equals("true") || v.equals("false") ? null : "must be true or false";
                case SIZE -> empty || v.matches("\\d+(kB|MB|GB)") ? null : "must be a size such as 64MB (kB, MB, GB)";
                case DIRECTORY -> empty || Files.isDirectory(base.resolve(v)) ? null : "directory " + v + " does not exist";
                case FILE -> empty || Files.isRegularFile(base.resolve(v)) ? null : "file " + v + " does not exist";
                case JDBC_URL -> empty || v.startsWith("jdbc:postgresql://") ? null
                        : "must be empty (embedded) or a jdbc:postgresql:// URL";
                case BROKER_URL -> empty || v.matches("(tcp|ssl|vm)://.+|\\(.+\\).*") ? null
                        : "must be empty (embedded) or a broker URL such as tcp://host:61616";
            };
        }

        boolean numeric() {
            return this == WHOLE || this == POSITIVE || this == PORT;
        }
    }

    // ------------------------------------------------------------------ declarations

    public static Setting<String> text(String key, String def, String description) {
        return new Setting<>(key, Kind.TEXT, def, "", 0, 0, description, "", Function.identity());
    }

    /** A text of a checked kind (a URL, …); {@code def} may be null: no default. */
    public static Setting<String> of(String key, Kind kind, String def, String description) {
        return new Setting<>(key, kind, def, "", 0, 0, description, "", Function.identity());
    }

    /** A PostgreSQL size such as {@code 64MB}. */
    public static Setting<String> size(String key, String def, String description) {
        return new Setting<>(key, Kind.SIZE, def, "", 0, 0, description, "", Function.identity());
    }

    public static Setting<Boolean> flag(String key, boolean def, String description) {
        return new Setting<>(key, Kind.BOOLEAN, Boolean.toString(def), "", 0, 0, description, "", Boolean::valueOf);
    }

    /** A path the gateway makes if missing. */
    public static Setting<Path> path(String key, String def, String description) {
        return new Setting<>(key, Kind.TEXT, def, "", 0, 0, description, "", Path::of);
    }

    /** A directory that must exist. */
    public static Setting<Path> directory(String key, String def, String description) {
        return new Setting<>(key, Kind.DIRECTORY, def, "", 0, 0, description, "", Path::of);
    }

    public static Setting<Path> file(String key, String def, String description) {
        return new Setting<>(key, Kind.FILE, def, "", 0, 0, description, "", Path::of);
    }

    public static Setting<Integer> port(String key, int def, String description) {
        return new Setting<>(key, Kind.PORT, Integer.toString(def), "", 0, 65535, description, "", Integer::valueOf);
    }

    /** A count or size of at least 1. */
    public static Setting<Integer> positive(String key, int def, String unit, String description) {
        return new Setting<>(key, Kind.POSITIVE, Integer.toString(def), unit, 1, Integer.MAX_VALUE, description, "",
                Integer::valueOf);
    }

    /** A count or size that may be 0. */
    public static Setting<Integer> whole(String key, int def, String unit, String description) {
        return new Setting<>(key, Kind.WHOLE, Integer.toString(def), unit, 0, Integer.MAX_VALUE, description, "",
                Integer::valueOf);
    }

    /** A time of at least one {@code unit}, read as a {@link Duration}. */
    public static Setting<Duration> duration(String key, long def, ChronoUnit unit, String description) {
        return new Setting<>(key, Kind.POSITIVE, Long.toString(def), unitName(unit), 1, Integer.MAX_VALUE, description,
                "", v -> Duration.of(Long.parseLong(v), unit));
    }

    /** A key no longer read: set, it stops {@code config check} and the start with {@code whereNow}. */
    public static Setting<Void> retired(String key, String whereNow) {
        return new Setting<>(key, Kind.RETIRED, null, "", 0, 0, whereNow, "", v -> null);
    }

    /** The same declaration with a narrower range of numbers, and why. */
    public Setting<T> range(long min, long max, String reason) {
        return new Setting<>(key, kind, defaultValue, unit, min, max, description, reason, parser);
    }

    /** One instance of a template key: {@code <…>} in key and default replaced by {@code name}. */
    public Setting<T> named(String name) {
        String k = key.replaceAll("<[a-zA-Z]+>", name);
        String d = defaultValue == null ? null : defaultValue.replaceAll("<[a-zA-Z]+>", name);
        return new Setting<>(k, kind, d, unit, min, max, description, reason, parser);
    }

    public boolean isTemplate() {
        return key.contains("<");
    }

    // ------------------------------------------------------------------ checking

    /** Null when {@code value} is fine for this key, else why not (the value quoted only as a number). */
    public String check(String value, Path base) {
        if (kind == Kind.RETIRED) {
            return "retired: " + description;
        }
        String why = kind.check(value, base);
        if (why != null || !kind.numeric() || value.isBlank()) {
            return why;
        }
        long n = Long.parseLong(value.strip());
        if (n < min || n > max) {
            return "is " + n + "; it must be " + min + " to " + max + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
        return null;
    }

    /** The typed value of {@code value} (null: the default), or an exception naming the key. */
    T parse(String value, Path base) {
        String v = value == null ? defaultValue : value;
        if (v == null) {
            return null;
        }
        String why = kind == Kind.DIRECTORY || kind == Kind.FILE ? null : check(v, base);
        if (why != null) {
            throw new IllegalArgumentException("configuration: " + key + (why.startsWith("is ") ? " " : ": ") + why);
        }
        return parser.apply(v.strip());
    }

    /** The settings declared as {@code public static final Setting} fields of these classes. */
    public static List<Setting<?>> declaredIn(Class<?>... holders) {
        List<Setting<?>> all = new ArrayList<>();
        for (Class<?> holder : holders) {
            for (Field f : holder.getFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == Setting.class) {
                    try {
                        all.add((Setting<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(holder.getName() + "." + f.getName(), e);
                    }
                }
            }
        }
        return all;
    }

    private static String unitName(ChronoUnit unit) {
        return switch (unit) {
            case MILLIS -> "ms";
            case SECONDS -> "seconds";
            case MINUTES -> "minutes";
            case HOURS -> "hours";
            case DAYS -> "days";
            default -> unit.toString().toLowerCase(Locale.ROOT);
        };
    }
}
