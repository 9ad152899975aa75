package jp.tokyo.juki.operator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * Operators' sessions (issue 12 item 2), kept in {@code operator.session} so that every gateway node
 * sees the same ones. A login opens one: a token of 32 random bytes (base64url, the cookie or bearer
 * token; only its SHA-256 is stored) bound to the fingerprint of the client certificate it logged in
 * with, the terminal and a CSRF token. {@link #resolve} checks a request's token: it must be open,
 * presented with the same certificate ({@code S403}: a cookie replayed from another one), used within
 * the idle limit ({@code S440}: the terminal lock) and younger than the absolute limit ({@code S441});
 * an expired one is ended there and then, and its end audited once ({@code OPERATOR_SESSION}), as
 * {@link #end} (logout) and {@link #sweep} (a timer) do. The roles come fresh from the register on
 * each resolve. A refusal of a request is the caller's to audit ({@code API_REFUSED}).
 */
public final class Sessions {
    /** last_seen_at is written at most this often per session (the idle limit is exact to this) */
    public static final Duration TOUCH = Duration.ofSeconds(30);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource ds;
    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;

    public Sessions(DataSource ds, Clock clock, Duration idle, Duration absolute) {
        this.ds = ds;
        this.clock = clock;
        this.idle = idle;
        this.absolute = absolute;
    }

    /** What {@link #resolve} answers: the {@link Authenticated} session, or {@link Refused}. */
    public sealed interface Resolution permits Authenticated, Refused {
    }

    /**
     * A token refused: {@code S401} unknown, ended, or its operator revoked; {@code S403} presented
     * with another certificate; {@code S440} idle too long (the terminal lock); {@code S441} past the
     * absolute limit. The reason names the rule only.
     */
    public record Refused(String code, String reason) implements Resolution {
    }

    /** Why a session ended: its {@code end_reason} and the code of its audit record. */
    public enum End {
        LOGOUT("logout", "S200"), IDLE("idle", "S440"), ABSOLUTE("absolute", "S441"), REVOKED("revoked", "S401"),
        PASSWORD("password", "S401");

        private final String text;
        private final String code;

        End(String text, String code) {
            this.text = text;
            this.code = code;
        }

        public String text() {
            return text;
        }

        public String code() {
            return code;
        }
    }

    /** A session just opened: the token for the client (never stored) and the session. */
    record Opened(String token, Authenticated session) {
    }

    /**
     * The session of {@code token} presented with the certificate of {@code certFingerprint}
     * ({@link #fingerprint}), or why not. Ends (and audits) an expired one; marks it seen.
     */
    public Resolution resolve(String token, String certFingerprint) {
        byte[] hash = tokenHash(token);
        if (hash == null) {
            return new Refused("S401", "no session: log in");
        }
        Instant now = clock.instant();
        return Tx.run(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.operator_id, s.cert_fingerprint, s.terminal_id, "
                    + "s.csrf_token, s.created_at, s.last_seen_at, s.ended_at, o.display_name, o.status FROM operator.session s "
                    + "JOIN operator.operator o ON o.id = s.operator_id WHERE s.token_hash = ?")) {
                ps.setBytes(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getObject("ended_at") != null) {
                        return new Refused("S401", "no session: log in");
                    }
                    String operator = rs.getString("operator_id");
                    String terminal = rs.getString("terminal_id");
                    if (!rs.getString("cert_fingerprint").equals(normal(certFingerprint))) {
                        return new Refused("S403", "the session belongs to another certificate");
                    }
                    Instant created = OperatorRows.instant(rs, "created_at");
                    Instant seen = OperatorRows.instant(rs, "last_seen_at");
                    End expired = !now.isBefore(created.plus(absolute)) ? End.ABSOLUTE
                            : !now.isBefore(seen.plus(idle)) ? End.IDLE
                            : !"ACTIVE".equals(rs.getString("status")) ? End.REVOKED : null;
                    if (expired != null) {
                        end(c, hash, operator, terminal, expired, now);
                        return new Refused(expired.code(), switch (expired) {
                            case ABSOLUTE -> "the session reached its time limit: log in again";
                            case IDLE -> "the terminal was left idle: log in again";
                            default -> "no session: log in";
                        });
                    }
                    if (!now.isBefore(seen.plus(TOUCH))) {
                        touch(c, hash, now);
                    }
                    return new Authenticated(operator, rs.getString("display_name"), OperatorRows.roles(c, operator),
                            terminal, rs.getString("csrf_token"), created, reference(hash));
                }
            }
        });
    }

    /** Logs out: ends the session of {@code token} if it is open. */
    public boolean logout(String token) {
        return end(token, End.LOGOUT.text());
    }

    /**
     * Ends the session of {@code token} if it is open, and audits it; {@code reason} is the end's
     * text ({@link End#text()}, e.g. {@code logout}). Whether it was open.
     */
    public boolean end(String token, String reason) {
        End why = Arrays.stream(End.values()).filter(e -> e.text().equals(reason)).findFirst().orElse(End.LOGOUT);
        byte[] hash = tokenHash(token);
        if (hash == null) {
            return false;
        }
        Instant now = clock.instant();
        return Tx.run(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT operator_id, terminal_id FROM operator.session WHERE token_hash = ? AND ended_at IS NULL")) {
                ps.setBytes(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && end(c, hash, rs.getString(1), rs.getString(2), why, now);
                }
            }
        });
    }

    /** Ends every open session past the idle or the absolute limit, each audited; how many. */
    public int sweep() {
        Instant now = clock.instant();
        return Tx.run(ds, c -> {
            record Due(byte[] hash, String operator, String terminal, End why) {
            }
            List<Due> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT token_hash, operator_id, terminal_id, created_at <= ? "
                    + "FROM operator.session WHERE ended_at IS NULL AND (last_seen_at <= ? OR created_at <= ?) "
                    + "FOR UPDATE SKIP LOCKED")) {
                ps.setObject(1, OperatorRows.time(now.minus(absolute)));
                ps.setObject(2, OperatorRows.time(now.minus(idle)));
                ps.setObject(3, OperatorRows.time(now.minus(absolute)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new Due(rs.getBytes(1), rs.getString(2), rs.getString(3),
                                rs.getBoolean(4) ? End.ABSOLUTE : End.IDLE));
                    }
                }
            }
            int ended = 0;
            for (Due d : due) {
                ended += end(c, d.hash(), d.operator(), d.terminal(), d.why(), now) ? 1 : 0;
            }
            return ended;
        });
    }

    /** Opens a session for a login, in the login's transaction. */
    static Opened open(Connection c, Operator who, String certFingerprint, String terminal, Instant now)
            throws SQLException {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] csrf = new byte[32];
        RANDOM.nextBytes(csrf);
        String csrfToken = Base64.getUrlEncoder().withoutPadding().encodeToString(csrf);
        byte[] hash = sha256(raw);
        Arrays.fill(raw, (byte) 0);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO operator.session (token_hash, operator_id, "
                + "cert_fingerprint, terminal_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setBytes(1, hash);
            ps.setString(2, who.id());
            ps.setString(3, normal(certFingerprint));
            ps.setString(4, terminal);
            ps.setString(5, csrfToken);
            ps.setObject(6, OperatorRows.time(now));
            ps.setObject(7, OperatorRows.time(now));
            ps.executeUpdate();
        }
        return new Opened(token, new Authenticated(who.id(), who.displayName(), who.roles(), terminal, csrfToken, now,
                reference(hash)));
    }

    /** Ends every open session of {@code operatorId} (revoked, password reset), each audited; how many. */
    static int endAll(Connection c, String operatorId, End why, Instant now) throws SQLException {
        List<byte[]> hashes = new ArrayList<>();
        List<String> terminals = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT token_hash, terminal_id FROM operator.session "
                + "WHERE operator_id = ? AND ended_at IS NULL FOR UPDATE")) {
            ps.setString(1, operatorId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hashes.add(rs.getBytes(1));
                    terminals.add(rs.getString(2));
                }
            }
        }
        int ended = 0;
        for (int i = 0; i < hashes.size(); i++) {
            ended += end(c, hashes.get(i), operatorId, terminals.get(i), why, now) ? 1 : 0;
        }
        return ended;
    }

    /** Ends one session unless it has ended already (another node, a concurrent request), and audits the end it made. */
    private static boolean end(Connection c, byte[] hash, String operator, String terminal, End why, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE operator.session SET ended_at = ?, end_reason = ? "
                + "WHERE token_hash = ? AND ended_at IS NULL")) {
            ps.setObject(1, OperatorRows.time(now));
            ps.setString(2, why.text());
            ps.setBytes(3, hash);
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        OperatorAudit.append(c, OperatorAudit.draft(GatewayEvent.OPERATOR_SESSION, operator, reference(hash),
                AuditStatus.CLOSED, why.code(), "session ended: " + why.text()).terminal(terminal));
        return true;
    }

    private static void touch(Connection c, byte[] hash, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE operator.session SET last_seen_at = ? WHERE token_hash = ? AND ended_at IS NULL")) {
            ps.setObject(1, OperatorRows.time(now));
            ps.setBytes(2, hash);
            ps.executeUpdate();
        }
    }

    /**
     * The fingerprint a session is bound to: SHA-256 of the certificate's DER encoding, 64 lower-case
     * hex digits (what the operator API passes to {@link Logins#login} and {@link #resolve}).
     */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HEX.formatHex(sha256(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    /** A fingerprint as stored (lower case), or null when it is not one. */
    static String normal(String fingerprint) {
        String f = fingerprint == null ? "" : fingerprint.strip().toLowerCase(Locale.ROOT);
        return FINGERPRINT.matcher(f).matches() ? f : null;
    }

    /** The session's name in the audit: {@code s-} and the first 16 hex digits of the token's hash. */
    static String reference(byte[] tokenHash) {
        return "s-" + HEX.formatHex(tokenHash, 0, 8);
    }

    /** The SHA-256 of a well-formed token's bytes, or null. */
    private static byte[] tokenHash(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return null;
        }
        byte[] raw = Base64.getUrlDecoder().decode(token);
        try {
            return raw.length == 32 ? sha256(raw) : null;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** How many sessions of {@code operatorId} are open. */
    public int openCount(String operatorId) {
        return Tx.run(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM operator.session WHERE operator_id = ? AND ended_at IS NULL")) {
                ps.setString(1, operatorId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
