package jp.tokyo.juki.platform;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * How to reach the running gateway's broker: its URL and the login. For an external broker
 * these are {@code juki.broker.url/user/password}. The embedded broker has one login, made at
 * its first start and kept in {@code <data>/broker/credentials.properties} readable by the
 * owner only, and writes the URL its loopback TCP acceptor is bound to into
 * {@code <data>/broker/acceptor.url} at every start — so an operator tool on the same host,
 * run by the same OS user, finds and opens it, and nobody else on the host can.
 */
public record BrokerAccess(String url, String user, String password) {
    static final String CREDENTIALS = "credentials.properties";
    static final String ACCEPTOR_URL = "acceptor.url";
    static final String EMBEDDED_USER = "juki-gateway";

    /** The password is not shown, whatever prints this. */
    @Override
    public String toString() {
        return "BrokerAccess[" + url + ", user " + user + "]";
    }

    /** A connection factory with this login (the caller closes it). */
    public ActiveMQConnectionFactory connectionFactory() {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        if (user != null) {
            cf.setUser(user);
            cf.setPassword(password);
        }
        return cf;
    }

    /**
     * The broker of the gateway configured by {@code config}: the external one when
     * {@code juki.broker.url} is set, else the embedded one running on its data directory.
     *
     * @throws IOException when no embedded broker runs there (or it has no TCP acceptor)
     */
    public static BrokerAccess of(GatewayConfig config) throws IOException {
        String url = config.get(BrokerSettings.URL);
        if (url != null) {
            return new BrokerAccess(url, config.get(BrokerSettings.USER), config.get(BrokerSettings.PASSWORD));
        }
        Path dir = brokerDir(config);
        Path acceptor = dir.resolve(ACCEPTOR_URL);
        if (!Files.exists(acceptor)) {
            throw new IOException(acceptor + " not found (is the gateway running with this data directory, and "
                    + "juki.broker.acceptor set?)");
        }
        String tcp = Files.readString(acceptor, StandardCharsets.US_ASCII).strip();
        Properties login = readCredentials(dir.resolve(CREDENTIALS));
        return new BrokerAccess(tcp, login.getProperty("user"), login.getProperty("password"));
    }

    static Path brokerDir(GatewayConfig config) {
        return config.dataDir().resolve("broker").toAbsolutePath();
    }

    /**
     * The embedded broker's login: read from the data directory, or made (256 random bits) and
     * written there with mode 0600 — before any content, so it is never readable by others.
     */
    static BrokerAccess embeddedLogin(Path brokerDir) throws IOException {
        Path file = brokerDir.resolve(CREDENTIALS);
        if (!Files.exists(file)) {
            Files.createDirectories(brokerDir);
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Properties p = new Properties();
            p.setProperty("user", EMBEDDED_USER);
            p.setProperty("password", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            Path tmp = brokerDir.resolve(CREDENTIALS + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "login of the embedded broker (made at first start; operator tools read it)");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        Properties login = readCredentials(file);
        return new BrokerAccess(null, login.getProperty("user"), login.getProperty("password"));
    }

    private static Properties readCredentials(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (p.getProperty("user") == null || p.getProperty("password") == null) {
            throw new IOException(file + " has no user and password");
        }
        return p;
    }
}
