package jp.tokyo.juki.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA's certificate revocation list ({@code crl.pem}), re-read when the file changes
 * (looked at no more than every few seconds) and at least every minute. A CRL that cannot be
 * read or whose signature is not the CA's keeps the last good one in force and is logged.
 */
public final class RevocationList {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

    private final Path file;
    private final X509Certificate ca;
    private final Clock clock;
    private final Duration checkEvery;
    private final Duration reloadAtLeastEvery = Duration.ofMinutes(1);

    private volatile X509CRL crl;
    private volatile FileTime loadedMtime;
    private volatile Instant lastCheck = Instant.EPOCH;
    private volatile Instant lastLoad = Instant.EPOCH;

    public RevocationList(Path file, X509Certificate ca, Clock clock, Duration checkEvery) throws IOException {
        this.file = file;
        this.ca = ca;
        this.clock = clock;
        this.checkEvery = checkEvery;
        reload(true);
    }

    public boolean isRevoked(X509Certificate cert) {
        refreshIfDue();
        X509CRL current = crl;
        return current != null && current.isRevoked(cert);
    }

    private void refreshIfDue() {
        Instant now = clock.instant();
        if (Duration.between(lastCheck, now).compareTo(checkEvery) < 0) {
            return;
        }
        lastCheck = now;
        try {
            FileTime mtime = Files.getLastModifiedTime(file);
            boolean changed = !mtime.equals(loadedMtime);
            if (changed || Duration.between(lastLoad, now).compareTo(reloadAtLeastEvery) >= 0) {
                reload(false);
            }
        } catch (IOException e) {
            LOG.warn("CRL {} not readable, keeping the one in force: {}", file, e.getMessage());
        }
    }

    private synchronized void reload(boolean required) throws IOException {
        try {
            FileTime mtime = Files.getLastModifiedTime(file);
            X509CRL fresh = Pem.readCrl(file);
            if (!fresh.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                throw new IOException("CRL not issued by the CA");
            }
            fresh.verify(ca.getPublicKey());
            int count = fresh.getRevokedCertificates() == null ? 0 : fresh.getRevokedCertificates().size();
            if (crl == null || !fresh.equals(crl)) {
                LOG.info("CRL loaded: {} revoked certificate(s), issued {}", count, fresh.getThisUpdate().toInstant());
            }
            crl = fresh;
            loadedMtime = mtime;
            lastLoad = clock.instant();
        } catch (GeneralSecurityException e) {
            if (required) {
                throw new IOException(file + ": CRL signature is not the CA's", e);
            }
            LOG.warn("CRL {} rejected (signature), keeping the one in force", file);
        } catch (IOException e) {
            if (required) {
                throw e;
            }
            LOG.warn("CRL {} not readable, keeping the one in force: {}", file, e.getMessage());
        }
    }
}
