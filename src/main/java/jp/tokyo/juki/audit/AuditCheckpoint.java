package jp.tokyo.juki.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import jp.tokyo.juki.security.CmsSignatures;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.RevocationList;
import org.bouncycastle.cms.CMSSignedData;

/**
 * A signed checkpoint of the audit chain: the gateway's statement "the record at {@code seq}
 * has hash {@code hash}, at {@code at}", as CMS SignedData (SHA-256 with RSA, the statement
 * encapsulated, the gateway's certificate included). Whoever rewrites the chain after it cannot
 * make it end in the signed hash again without the gateway's key.
 */
public record AuditCheckpoint(long seq, byte[] hash, Instant at, byte[] signature) {
    /** The signed statement: plain ASCII, readable with {@code openssl cms -verify -print}. */
    public static byte[] statement(long seq, byte[] hash, Instant at) {
        return ("juki-gateway audit checkpoint\nseq=" + seq + "\nhash=" + AuditChain.hex(hash) + "\nat=" + at + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Signs the chain's head as of now. */
    public static AuditCheckpoint sign(AuditChain.Head head, PrivateKey key, X509Certificate certificate) {
        Instant at = AuditChain.stored(Instant.now());
        try {
            return new AuditCheckpoint(head.seq(), head.hash(), at,
                    CmsSignatures.sign(statement(head.seq(), head.hash(), at), key, certificate, true));
        } catch (IOException e) {
            throw new IllegalStateException("audit checkpoint " + e.getMessage(), e);
        }
    }

    /**
     * Why this checkpoint cannot be trusted, or null when it can: the signature must verify, the
     * signed statement must be exactly this checkpoint's seq, hash and time, and the signer must
     * be the gateway's certificate, issued by one of {@code cas} (the network CAs of {@code ca.pem},
     * several during a rollover) and valid at the checkpoint's time.
     */
    public String problem(RevocationList crl) {
        try {
            CMSSignedData signed = new CMSSignedData(signature);
            String bad = CmsSignatures.problem(signed, crl, Identities.GATEWAY, at);
            if (bad != null) {
                return bad;
            }
            byte[] content = signed.getSignedContent() == null ? null : (byte[]) signed.getSignedContent().getContent();
            return Arrays.equals(content, statement(seq, hash, at)) ? null
                    : "the signed statement is not this checkpoint's seq, hash and time";
        } catch (Exception e) {
            return "the signature cannot be read (" + e.getClass().getSimpleName() + ")";
        }
    }
}
