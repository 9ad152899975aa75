package jp.tokyo.juki.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jp.tokyo.juki.operator.HostLogin;
import jp.tokyo.juki.platform.FileSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import picocli.CommandLine.Option;

/**
 * The options of a command an administrator runs on the gateway's host while it is stopped
 * ({@code backup}, {@code restore}): the configuration, and the same login as the operator API's —
 * the personal certificate {@code op-<ID>} ({@code --cert}), the password ({@code --password-file}, a
 * file only its owner may read, or asked) and the terminal.
 */
final class HostLoginOptions {
    @Option(names = "--cert", required = true, paramLabel = "FILE.p12",
            description = "Your personal operator certificate and key (op-<ID>, PKCS#12; its password: JUKI_CERT_PASSWORD "
                    + "or the key store password of the configuration).")
    Path cert;
    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Your password on its first line (a file of yours, mode 0600); default: asked.")
    Path passwordFile;
    @Option(names = "--terminal", paramLabel = "ID", description = "The terminal you work at (default: this host's name).")
    String terminal;
    @Option(names = "--config", defaultValue = "config/application.properties", description = "Configuration file.")
    Path config;
    @Option(names = "--set", description = "Any configuration key, e.g. --set juki.keystores.dir=/etc/juki/keystores")
    Map<String, String> set = new HashMap<>();

    /** The configuration, with {@code dataDir} as {@code juki.data.dir} when given. */
    GatewayConfig config(Path dataDir) throws IOException {
        Map<String, String> overrides = new HashMap<>(set);
        if (dataDir != null) {
            overrides.put(FileSettings.DATA_DIR.key(), dataDir.toString());
        }
        return GatewayConfig.load(config, overrides);
    }

    /** The credentials; the password from the file or asked once. */
    HostLogin.Credentials credentials(GatewayConfig cfg) throws PasswordFile.Refused {
        char[] storePassword = System.getenv("JUKI_CERT_PASSWORD") != null ? System.getenv("JUKI_CERT_PASSWORD").toCharArray()
                : cfg.keystorePassword();
        return new HostLogin.Credentials(cert, storePassword, secret(passwordFile, "your password: "), terminalId());
    }

    /** A secret from {@code file} ({@link PasswordFile#read}) or asked once on the console. */
    static char[] secret(Path file, String prompt) throws PasswordFile.Refused {
        if (file != null) {
            return PasswordFile.read(file);
        }
        if (System.console() == null) {
            throw new PasswordFile.Refused("no console to ask for it: give the file option");
        }
        char[] typed = System.console().readPassword(prompt);
        if (typed == null || typed.length == 0) {
            throw new PasswordFile.Refused("nothing given");
        }
        return typed;
    }

    private String terminalId() {
        if (terminal != null) {
            return terminal;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
