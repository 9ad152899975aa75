package jp.tokyo.juki.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passwords of the embedded PostgreSQL's login roles: made (256 random bits each) at the
 * first start and kept in {@code <data>/pg-credentials.properties}, mode 0600, beside the
 * database directory — as the broker's login is kept (see {@link BrokerAccess}). The database
 * asks every connection for its password ({@code scram-sha-256} in {@code pg_hba.conf}; initdb's
 * {@code trust} is replaced at start), so only the OS user that runs the gateway, who can read
 * this file, gets in: the gateway's pools and the operator tools ({@code audit}, {@code dlq},
 * {@code link status}, {@code approvals}, …) that run as that user on the same data directory.
 */
public final class DatabaseLogins {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseLogins.class);
    public static final String FILE = "pg-credentials.properties";
    /** the owner (initdb's superuser): migrations, the audit writer, operator tools */
    public static final String OWNER = "postgres";
    /** what pg_hba.conf says once the gateway has started on a data directory */
    static final String HBA = """
            # written by juki-gateway: every login needs its password (kept in ../%s, mode 0600)
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """.formatted(FILE);

    private final Path file;
    private final Properties passwords;
    private final boolean made;
    /** the gateway's own instance adds a role a migration made; an operator tool's only reads */
    private final boolean mayAdd;

    private DatabaseLogins(Path file, Properties passwords, boolean made, boolean mayAdd) {
        this.file = file;
        this.passwords = passwords;
        this.made = made;
        this.mayAdd = mayAdd;
    }

    /** The logins of the gateway whose data directory this is (for operator tools and tests: read only). */
    public static DatabaseLogins of(Path dataDir) throws IOException {
        Path file = dataDir.toAbsolutePath().resolve(FILE);
        if (!Files.exists(file)) {
            throw new IOException(file + " not found (has a gateway started with this data directory?)");
        }
        return new DatabaseLogins(file, read(file), false, false);
    }

    /** the operator's way back when the file is lost (README, docs/operations/sftp.md) */
    static String recovery(Path dataDir) {
        return "with the gateway stopped, run './gateway db reset-passwords --data " + dataDir + "'";
    }

    /**
     * Read, or made with the owner's password when there is none yet (the gateway's start). A
     * database whose {@code pg_hba.conf} already asks for passwords but whose file is lost is
     * refused: letting anyone in without a password to set new ones would let any local user in
     * as superuser for that while ({@link #resetPasswords} sets them with the database stopped).
     */
    static DatabaseLogins openOrMake(Path dataDir) throws IOException {
        Path file = dataDir.toAbsolutePath().resolve(FILE);
        if (Files.exists(file)) {
            return new DatabaseLogins(file, read(file), false, true);
        }
        Path pgDir = dataDir.toAbsolutePath().resolve("pg");
        if (Files.exists(pgDir.resolve("PG_VERSION")) && hbaIsOurs(pgDir)) {
            throw new IOException("embedded PostgreSQL: " + file + " (the database passwords) is missing, but the database in "
                    + pgDir + " asks for them; " + recovery(dataDir) + " to set new ones");
        }
        DatabaseLogins logins = new DatabaseLogins(file, new Properties(), true, true);
        logins.password(OWNER);
        return logins;
    }

    /** whether this start made the file (a new data directory, one of an older gateway, or the file was lost) */
    boolean made() {
        return made;
    }

    /**
     * The password of {@code role}; for the gateway's own use a role without one gets one made
     * and written at once.
     *
     * @throws IllegalStateException for an operator tool asking for a role the file does not hold
     */
    public synchronized String password(String role) {
        String p = passwords.getProperty(role);
        if (p != null) {
            return p;
        }
        if (!mayAdd) {
            throw new IllegalStateException(file + " holds no password for " + role);
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        p = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        passwords.setProperty(role, p);
        try {
            write();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** written to a 0600 file first, then renamed: never readable by others, never half written */
    private void write() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            passwords.store(w, "passwords of the embedded PostgreSQL's roles (made by the gateway; operator tools read them)");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (p.getProperty(OWNER) == null) {
            throw new IOException(file + " has no password for " + OWNER + "; " + recovery(file.getParent()));
        }
        return p;
    }

    /** Whether {@code pgDir/pg_hba.conf} is already the one this class writes. */
    static boolean hbaIsOurs(Path pgDir) throws IOException {
        Path hba = pgDir.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).equals(HBA);
    }

    /** The roles whose passwords this class keeps: the owner and the gateway's own ({@code juki_*}). */
    static boolean managed(String role) {
        return role.equals(OWNER) || role.startsWith("juki_");
    }

    /**
     * Gives every login role without a password its own (the owner's first), and every role of
     * the gateway's ({@link #managed}) the file holds no password for (a file restored from an
     * older backup), and, unless done already, replaces {@code pg_hba.conf} with {@link #HBA} and
     * reloads it: from then on no role logs in without its password. Called at start before the
     * migrations, and after them for the roles they made; {@code everyRole} while the database
     * still trusts local logins (the logins file made this start, or a start killed before
     * {@code pg_hba.conf} was replaced): every role's password is set anew from the file, whatever it had.
     */
    void requirePasswords(Connection owner, Path pgDir, boolean everyRole) throws SQLException, IOException {
        List<String> without = new ArrayList<>();
        try (Statement st = owner.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolname, rolpassword IS NULL FROM pg_authid WHERE rolcanlogin"
                     + " ORDER BY rolname <> current_user, rolname")) {
            while (rs.next()) {
                String role = rs.getString(1);
                boolean missing;
                synchronized (this) {
                    missing = managed(role) && passwords.getProperty(role) == null;
                }
                if (everyRole || rs.getBoolean(2) || missing) {
                    without.add(role);
                }
            }
        }
        for (String role : without) {
            try (Statement st = owner.createStatement()) {
                // the password is ours (base64url: no quote can occur); scram-sha-256 is PostgreSQL's default encryption
                st.execute("SET password_encryption = 'scram-sha-256'");
                st.execute("ALTER ROLE " + quoteIdent(role) + " PASSWORD '" + password(role) + "'");
            }
        }
        if (!without.isEmpty()) {
            LOG.info("embedded PostgreSQL: passwords set for {} role(s) ({})", without.size(), String.join(", ", without));
        }
        if (!hbaIsOurs(pgDir)) {
            writeHba(pgDir.resolve("pg_hba.conf"), HBA);
            try (Statement st = owner.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_reload_conf()")) {
                rs.next();
            }
            LOG.info("embedded PostgreSQL: pg_hba.conf now asks every login for its password (scram-sha-256)");
        }
    }

    /**
     * {@code ./gateway db reset-passwords}: new passwords for the owner and the gateway's roles
     * of the (stopped) embedded database in {@code dataDir/pg}, without ever letting a login in
     * without one. The file is written (0600) first; then the cluster's own server, in
     * single-user mode ({@code postgres --single}, no network, no other session), runs the
     * {@code ALTER ROLE}s read from its standard input; then {@code pg_hba.conf} asks every login
     * for its password. Returns the roles given a new password.
     *
     * @param postgres the {@code postgres} binary of the cluster's version
     * @throws IOException the database is running, absent, or the server refused (its message, without the statement)
     */
    public static List<String> resetPasswords(Path dataDir, Path postgres) throws IOException {
        Path pgDir = dataDir.toAbsolutePath().resolve("pg");
        if (!Files.exists(pgDir.resolve("PG_VERSION"))) {
            throw new IOException("no embedded database in " + pgDir);
        }
        // a server a killed gateway left running is stopped; one a living gateway runs makes
        // postgres --single refuse (its lock file), below
        StalePostmaster.stopIfOrphaned(pgDir);
        List<String> roles = new ArrayList<>();
        Matcher m = Pattern.compile("1: rolname = \"([^\"]*)\"")
                .matcher(single(postgres, pgDir, "SELECT rolname FROM pg_authid WHERE rolcanlogin ORDER BY rolname;\n"));
        while (m.find()) {
            if (managed(m.group(1))) {
                roles.add(m.group(1));
            }
        }
        if (!roles.contains(OWNER)) {
            throw new IOException("the database in " + pgDir + " has no login role " + OWNER);
        }
        DatabaseLogins logins = new DatabaseLogins(dataDir.toAbsolutePath().resolve(FILE), new Properties(), true, true);
        StringBuilder sql = new StringBuilder("SET password_encryption = 'scram-sha-256';\n");
        for (String role : roles) {
            // written to the file (0600) as it is made, before the database knows it
            sql.append("ALTER ROLE ").append(quoteIdent(role)).append(" PASSWORD '").append(logins.password(role)).append("';\n");
        }
        single(postgres, pgDir, sql.toString());
        if (!hbaIsOurs(pgDir)) {
            writeHba(pgDir.resolve("pg_hba.conf"), HBA);
        }
        LOG.info("embedded PostgreSQL: new passwords for {} role(s) ({}), written to {}", roles.size(),
                String.join(", ", roles), logins.file);
        return roles;
    }

    /** Runs {@code input} through {@code postgres --single} on {@code pgDir}; its output, or why it failed. */
    private static String single(Path postgres, Path pgDir, String input) throws IOException {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL refuses root; as zonky does, run it in a user namespace of its own (root's files are then its own)
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(postgres.toString(), "--single", "-D", pgDir.toString(), "postgres"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("postgres --single did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (out.contains("lock file \"postmaster.pid\" already exists")) {
            throw new IOException("the database in " + pgDir + " is running: stop the gateway first");
        }
        if (p.exitValue() != 0 || out.contains("ERROR:") || out.contains("FATAL:")) {
            // the server's words, without any line that could quote a statement (a password)
            String said = out.lines().filter(l -> (l.contains("ERROR:") || l.contains("FATAL:") || l.contains("HINT:"))
                    && !l.contains("PASSWORD")).collect(Collectors.joining("; "));
            throw new IOException("postgres --single on " + pgDir + " failed (exit " + p.exitValue() + "): " + said);
        }
        return out;
    }

    private static void writeHba(Path hba, String content) throws IOException {
        Path tmp = hba.resolveSibling("pg_hba.conf.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, hba, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return "DatabaseLogins[" + file + "]";
    }
}
