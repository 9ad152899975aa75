package jp.tokyo.juki.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The identities of PROTOCOL §1 and which of them fits which line. */
public final class Identities {
    public static final String GATEWAY = "gateway";
    public static final String NATIONAL = "national";
    public static final String NATIONAL_FUHYO = "national-fuhyo";
    /** the recipient of the backup archives (issue 14); its key is kept away from the gateway's host */
    public static final String BACKUP = "backup";
    private static final Pattern CS = Pattern.compile("cs-(\\d{6})");
    /** An operator ID of the operator register: 3 to 32 of a-z, 0-9, '.', '-', '_', first a letter or digit. */
    public static final String OPERATOR_ID = "[a-z0-9][a-z0-9._-]{2,31}";
    private static final Pattern OPERATOR = Pattern.compile("op-(" + OPERATOR_ID + ")");

    private Identities() {
    }

    /** {@code cs-NNNNNN} for each municipality code. */
    public static String cs(String municipalityCode) {
        return "cs-" + municipalityCode;
    }

    /** Every identity the development PKI issues for these municipalities. */
    public static List<String> all(List<String> municipalityCodes) {
        List<String> names = new ArrayList<>(List.of(GATEWAY, NATIONAL, NATIONAL_FUHYO));
        municipalityCodes.forEach(code -> names.add(cs(code)));
        return names;
    }

    public static Predicate<String> csLine() {
        return cn -> CS.matcher(cn).matches();
    }

    public static Predicate<String> exactly(String identity) {
        return identity::equals;
    }

    /** {@code op-ID}: the personal certificate of operator ID (issue 12), a TLS client of the operator API. */
    public static String operator(String operatorId) {
        return "op-" + operatorId;
    }

    /** The CNs the operator API accepts: {@code op-ID} with an operator ID, and nothing else. */
    public static Predicate<String> operatorLine() {
        return cn -> cn != null && OPERATOR.matcher(cn).matches();
    }

    /** The operator ID of an {@code op-ID} identity, or {@code null}. */
    public static String operatorOf(String cn) {
        var m = OPERATOR.matcher(cn == null ? "" : cn);
        return m.matches() ? m.group(1) : null;
    }

    /** The municipality code of a {@code cs-NNNNNN} identity, or {@code null}. */
    public static String municipalityOf(String cn) {
        var m = CS.matcher(cn == null ? "" : cn);
        return m.matches() ? m.group(1) : null;
    }

    public static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    /** The CN of the peer of an authenticated TLS session, or {@code null}. */
    public static String peerOf(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] certs = session.getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof X509Certificate x ? commonName(x) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
