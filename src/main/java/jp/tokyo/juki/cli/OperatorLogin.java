package jp.tokyo.juki.cli;

import java.io.Console;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import jp.tokyo.juki.api.ApiSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import picocli.CommandLine.Option;

/**
 * How an operator command reaches the operator API and logs in (issue 12): the operator's
 * personal certificate ({@code --cert}, a PKCS#12 of {@code op-<ID>} from {@code pki
 * issue-operator}), the password (prompted, or {@code --password-file}: a file only its owner
 * may read), the terminal, and the gateway's address (from the configuration, or {@code --api}).
 */
public final class OperatorLogin {
    @Option(names = "--cert", required = true, paramLabel = "FILE.p12",
            description = "Your personal operator certificate and key (op-<ID>, PKCS#12).")
    Path cert;
    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read your password from this file (it must be yours and mode 0600); default: prompt.")
    Path passwordFile;
    @Option(names = "--terminal", paramLabel = "ID", description = "The terminal you work at (default: this host's name).")
    String terminal;
    @Option(names = "--api", paramLabel = "URL", description = "The operator API (default: https://localhost:<juki.operator.port>).")
    String api;
    @Option(names = "--config", defaultValue = "config/application.properties", description = "Configuration file.")
    Path config;
    @Option(names = "--set", description = "Any configuration key, e.g. --set juki.operator.port=8443")
    Map<String, String> set = new HashMap<>();

    /** The configuration (for the port, the CA and the key store password). */
    GatewayConfig gatewayConfig() throws IOException {
        return GatewayConfig.load(config, set);
    }

    String apiUrl(GatewayConfig cfg) {
        if (api != null) {
            return api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        }
        return "https://localhost:" + cfg.get(ApiSettings.PORT);
    }

    Path caFile(GatewayConfig cfg) {
        return cfg.keystoresDir().resolve("ca.pem");
    }

    String terminalId() {
        if (terminal != null) {
            return terminal;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** The password: from {@code --password-file} (refused unless owned by us and 0600/0400), else prompted. */
    char[] password() throws IOException {
        if (passwordFile != null) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(passwordFile, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> allowed = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            if (!allowed.containsAll(perms)
                    || !Files.getOwner(passwordFile, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
                throw new IOException("--password-file must be yours and readable by you only (chmod 600)");
            }
            String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
            return text.strip().toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new IOException("no terminal to ask for the password: use --password-file");
        }
        return console.readPassword("password: ");
    }
}
