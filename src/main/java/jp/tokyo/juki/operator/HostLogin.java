package jp.tokyo.juki.operator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.RevocationList;

/**
 * An administrator's login on the gateway's host, for the commands that run while the gateway is
 * stopped (backup, restore): the same two factors as the operator API's login — the personal
 * certificate {@code op-<ID>} (its PKCS#12 opened with its password, the key proven by a signature,
 * the certificate issued by the CA the restorer trusts and not revoked) and the password, checked by
 * {@link Logins} against the operator register (lockout, terminals, audit of the login) — then the
 * permission the command needs ({@link Permission#BACKUP}). The session the login opens is ended at once.
 */
public final class HostLogin {
    private static final SecureRandom RANDOM = new SecureRandom();

    private HostLogin() {
    }

    /** A login refused: the code ({@code B401} the certificate, the login's {@code Lnnn}, {@code B403}) and why. */
    public static final class Refused extends Exception {
        private final String code;

        Refused(String code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }

        public String reason() {
            return getMessage();
        }
    }

    /** What the operator gives: their certificate's PKCS#12 and its password, their password, their terminal. */
    public record Credentials(Path p12, char[] storePassword, char[] password, String terminal) {
    }

    /** An operator identified by a certificate of our CA whose key they hold. */
    public record Identified(String operatorId, String fingerprint) {
    }

    /**
     * The operator {@code c}'s certificate names, if it is an operator certificate of one of
     * {@code cas}, in force and not revoked, and its key is in the key store.
     *
     * @throws Refused {@code B401} why not (never which part of a password was wrong)
     */
    public static Identified identify(Credentials c, List<X509Certificate> cas, RevocationList crl) throws Refused {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(c.p12())) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, c.storePassword());
        } catch (IOException | GeneralSecurityException e) {
            throw new Refused("B401", "the certificate " + c.p12().getFileName()
                    + " cannot be opened (not a PKCS#12, or not its password)");
        }
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) {
                    continue;
                }
                X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
                String id = Identities.operatorOf(Identities.commonName(cert));
                if (id == null) {
                    continue;
                }
                checkIssued(cert, cas, crl);
                PrivateKey key = (PrivateKey) ks.getKey(alias, c.storePassword());
                proveKey(key, cert);
                return new Identified(id, Sessions.fingerprint(cert));
            }
        } catch (GeneralSecurityException e) {
            throw new Refused("B401", "the certificate's key cannot be used (" + e.getClass().getSimpleName() + ")");
        }
        throw new Refused("B401", "no operator certificate (op-<ID>) with its key in " + c.p12().getFileName());
    }

    private static void checkIssued(X509Certificate cert, List<X509Certificate> cas, RevocationList crl) throws Refused {
        boolean ours = false;
        for (X509Certificate ca : cas) {
            try {
                cert.verify(ca.getPublicKey());
                ours = true;
                break;
            } catch (GeneralSecurityException e) {
                // another CA of the list
            }
        }
        if (!ours) {
            throw new Refused("B401", "the operator certificate is not issued by the gateway's CA");
        }
        try {
            cert.checkValidity();
        } catch (GeneralSecurityException e) {
            throw new Refused("B401", "the operator certificate is expired or not yet valid");
        }
        if (crl != null && crl.isRevoked(cert)) {
            throw new Refused("B401", "the operator certificate is revoked");
        }
    }

    /** The key store holds the certificate's key: a signature of a fresh random value by it verifies. */
    private static void proveKey(PrivateKey key, X509Certificate cert) throws GeneralSecurityException, Refused {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(challenge);
        byte[] signed = s.sign();
        Signature v = Signature.getInstance("SHA256withRSA");
        v.initVerify(cert.getPublicKey());
        v.update(challenge);
        if (!v.verify(signed)) {
            throw new Refused("B401", "the key in the PKCS#12 is not the operator certificate's");
        }
    }

    /**
     * Logs {@code who} in with their password from their terminal against the register on
     * {@code ds} (the database owner's pool), requires {@code permission}, and ends the session.
     *
     * @throws Refused the login's refusal ({@code L401} wrong ID or password, {@code L423}
     *                       locked out, {@code L403} terminal, {@code L503}) or {@code B403} not permitted
     */
    public static Authenticated login(DataSource ds, GatewayConfig cfg, Identified who, Credentials c, Permission permission)
            throws Refused {
        OperatorSettings.Values settings = OperatorSettings.of(cfg);
        PasswordPolicy policy;
        try {
            policy = PasswordPolicy.load(settings.denylist());
        } catch (IOException e) {
            throw new Refused("B500", "the password policy cannot be read: " + e.getMessage());
        }
        Clock clock = Clock.systemUTC();
        Logins logins = new Logins(ds, clock, PasswordHasher.of(settings), policy, settings.lockoutAttempts(),
                settings.lockout());
        Logins.Result r = logins.login(who.operatorId(), who.fingerprint(), c.password(), c.terminal());
        if (r instanceof Logins.Refused refused) {
            throw new Refused(refused.code(), refused.reason());
        }
        Logins.LoggedIn in = (Logins.LoggedIn) r;
        new Sessions(ds, clock, settings.idle(), settings.absolute()).logout(in.token());
        if (!in.session().may(permission)) {
            throw new Refused("B403", "this command is for the role(s) "
                    + permission.roles().stream().map(Role::text).sorted().collect(Collectors.joining(", "))
                    + " (permission " + permission + ")");
        }
        return in.session();
    }
}
