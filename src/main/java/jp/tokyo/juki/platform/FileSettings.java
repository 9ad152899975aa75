package jp.tokyo.juki.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** Where the gateway keeps its data and keys, and what it reads at start ({@code juki.data.dir}, {@code juki.keystores.*}, …). */
public final class FileSettings {
    public static final Setting<Path> DATA_DIR = Setting.path("juki.data.dir", "data",
            "where the embedded database and broker keep their data");
    public static final Setting<Path> KEYSTORES_DIR = Setting.directory("juki.keystores.dir", "keystores",
            "keys, certificates and the CRL (keystores/README.md)");
    public static final Setting<String> KEYSTORES_PASSWORD = Setting.text("juki.keystores.password", "juki-dev",
            "password of the PKCS#12 key stores (development PKI default; set your own in production)");
    public static final Setting<Duration> CRL_CHECK = Setting.duration("juki.crl.check-seconds", 5, ChronoUnit.SECONDS,
            "how often the CRL file is looked at for changes; it is re-read at least every minute");
    public static final Setting<Path> MUNICIPALITIES = Setting.file("juki.municipalities", "config/municipalities.csv",
            "the municipalities this prefecture handles (code,name)");

    private FileSettings() {
    }
}
