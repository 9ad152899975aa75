package jp.tokyo.juki.harness;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Ports;

/**
 * A PostgreSQL 17 primary with a synchronous streaming standby, run from the embedded (zonky) binaries as
 * two processes of their own, for the several-node harness. The primary is made as the gateway makes its
 * embedded database (roles, passwords, migrations), stopped, and copied as the standby's base backup (the
 * zonky bundle has no pg_basebackup); the primary then waits for the standby ({@code synchronous_standby_names
 * = 'FIRST 1 (standby1)'}) before a commit returns. {@link #killPrimary()} is a crash, {@link #promote()} turns
 * the standby into the primary and clears its copied {@code synchronous_standby_names} (else every commit
 * would wait for a standby that is gone).
 */
public final class PgPair implements AutoCloseable {
    private final Path postgres;
    private final Path base;
    private final String listen;
    private final String host;
    private final Map<String, String> passwords;
    private final int primaryPort;
    private final int standbyPort;
    private Process primary;
    private Process standby;

    private PgPair(Path postgres, Path base, String listen, String host, Map<String, String> passwords,
                   int primaryPort, int standbyPort) {
        this.postgres = postgres;
        this.base = base;
        this.listen = listen;
        this.host = host;
        this.passwords = passwords;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
    }

    /**
     * Makes and starts the pair under {@code base} ({@code primary/}, {@code standby/}).
     *
     * @param listen {@code listen_addresses} of both ({@code *} when nodes in network namespaces connect)
     * @param host   the address the nodes and the standby connect to
     */
    public static PgPair start(Path base, String listen, String host) throws IOException, SQLException {
        Files.createDirectories(base);
        Path init = base.resolve("init");
        // the gateway's own embedded database, made, migrated and stopped: roles and passwords as a node expects
        try (EmbeddedDatabase ignored = EmbeddedDatabase.start(GatewayConfig.of(Map.of("juki.data.dir", init.toString())))) {
            // made
        }
        Properties pw = new Properties();
        try (Reader r = Files.newBufferedReader(init.resolve(DatabaseLogins.FILE), StandardCharsets.UTF_8)) {
            pw.load(r);
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        pw.stringPropertyNames().forEach(k -> passwords.put(k, pw.getProperty(k)));
        Path primaryDir = base.resolve("primary");
        Path standbyDir = base.resolve("standby");
        run(List.of("mv", init.resolve("pg").toString(), primaryDir.toString()));
        PgPair pair = new PgPair(EmbeddedDatabase.postgresBinary(), base, listen, host, passwords, Ports.free(), Ports.free());
        Files.writeString(primaryDir.resolve("postgresql.conf"), """

                # juki several-node harness
                listen_addresses = '%s'
                unix_socket_directories = ''
                fsync = on
                synchronous_commit = on
                full_page_writes = on
                max_connections = 200
                wal_keep_size = '256MB'
                autovacuum_naptime = 5s
                synchronous_standby_names = 'FIRST 1 (standby1)'
                """.formatted(listen), StandardOpenOption.APPEND);
        Files.writeString(primaryDir.resolve("pg_hba.conf"), """
                host    all          all       0.0.0.0/0     scram-sha-256
                host    replication  postgres  0.0.0.0/0     scram-sha-256
                """, StandardOpenOption.APPEND);
        Files.deleteIfExists(primaryDir.resolve("postmaster.pid"));
        Files.deleteIfExists(primaryDir.resolve("postmaster.opts"));
        run(List.of("cp", "-a", primaryDir.toString(), standbyDir.toString()));
        Files.writeString(primaryDir.resolve("postgresql.auto.conf"), "port = " + pair.primaryPort + "\n",
                StandardOpenOption.APPEND);
        Files.writeString(standbyDir.resolve("postgresql.auto.conf"), "port = " + pair.standbyPort + "\n"
                + "primary_conninfo = 'host=" + host + " port=" + pair.primaryPort + " user=postgres password="
                + passwords.get(DatabaseLogins.OWNER) + " application_name=standby1'\n", StandardOpenOption.APPEND);
        Files.createFile(standbyDir.resolve("standby.signal"));
        try {
            pair.primary = pair.launch(primaryDir, "primary");
            pair.awaitConnect(pair.primaryPort);
            pair.standby = pair.launch(standbyDir, "standby");
            pair.awaitConnect(pair.standbyPort);
            pair.awaitSync();
        } catch (IOException | SQLException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private Process launch(Path dir, String name) throws IOException {
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("unshare", "-U")); // PostgreSQL refuses root; unshare execs, so the pid is the postmaster's
        }
        cmd.addAll(List.of(postgres.toString(), "-D", dir.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve(name + ".log").toFile())).start();
    }

    private void awaitConnect(int port) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection ignored = connect(port)) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                GatewayProcess.sleep(200);
            }
        }
    }

    private void awaitSync() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(primaryPort); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
            GatewayProcess.sleep(200);
        }
        throw new SQLException("the standby did not become synchronous within 60 s; see " + base);
    }

    /** A superuser connection to the server on {@code port}. */
    public Connection connect(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", DatabaseLogins.OWNER);
        p.setProperty("password", passwords.get(DatabaseLogins.OWNER));
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
    }

    /** A superuser connection to whichever of the two is the primary now. */
    public Connection connectPrimary() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", DatabaseLogins.OWNER);
        p.setProperty("password", passwords.get(DatabaseLogins.OWNER));
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(host), p);
    }

    /** Both servers, the primary found by the driver ({@code targetServerType=primary}), as each node's URL. */
    public String jdbcUrl(String viaHost) {
        return "jdbc:postgresql://" + viaHost + ":" + primaryPort + "," + viaHost + ":" + standbyPort
                + "/postgres?targetServerType=primary&connectTimeout=2&hostRecheckSeconds=1";
    }

    /**
     * A node's database settings: the pair's URL and every role's password ({@code juki.db.url}, {@code juki.db.user},
     * {@code juki.db.password}, {@code juki.db.<role>.password}).
     */
    public Map<String, String> nodeSettings(String viaHost) {
        Map<String, String> node = new LinkedHashMap<>();
        node.put("juki.db.url", jdbcUrl(viaHost));
        node.put("juki.db.user", DatabaseLogins.OWNER);
        passwords.forEach((role, pw) -> node.put(role.equals(DatabaseLogins.OWNER)
                ? "juki.db.password" : "juki.db." + role + ".password", pw));
        return node;
    }

    /** SIGKILL of the primary's postmaster: a crash (its backends end when they see it gone). */
    public void killPrimary() throws InterruptedException {
        primary.destroyForcibly();
        primary.waitFor();
    }

    /**
     * Promotes the standby (pg_promote, waiting until done) and clears its {@code synchronous_standby_names};
     * returns the seconds it took.
     */
    public double promote() throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = connect(standbyPort); Statement s = c.createStatement()) {
            s.execute("SELECT pg_promote(true, 60)");
            s.execute("ALTER SYSTEM SET synchronous_standby_names = ''");
            s.execute("SELECT pg_reload_conf()");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() {
        for (Process p : new Process[]{standby, primary}) {
            if (p != null && p.isAlive()) {
                try {
                    // SIGINT: PostgreSQL's fast shutdown
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (IOException e) {
                    p.destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                }
            }
        }
    }

    private static void run(List<String> cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
