package jp.tokyo.juki.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Reading and writing the PEM files of {@code keystores/}. */
public final class Pem {
    private Pem() {
    }

    public static X509Certificate readCertificate(Path file) throws IOException {
        Object o = readObject(file);
        if (!(o instanceof X509CertificateHolder holder)) {
            throw new IOException(file + ": not a PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(file + ": unreadable certificate", e);
        }
    }

    /** Every certificate of a PEM file (a bundle such as a {@code ca.pem} holding an old and a new CA). */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        for (Object o : readObjects(file)) {
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new IOException(file + ": holds something other than certificates");
            }
            try {
                certs.add(new JcaX509CertificateConverter().getCertificate(holder));
            } catch (CertificateException e) {
                throw new IOException(file + ": unreadable certificate", e);
            }
        }
        return certs;
    }

    /** Every CRL of a PEM file (one per CA of a bundle). */
    public static List<X509CRL> readCrls(Path file) throws IOException {
        List<X509CRL> crls = new ArrayList<>();
        for (Object o : readObjects(file)) {
            if (!(o instanceof X509CRLHolder holder)) {
                throw new IOException(file + ": holds something other than CRLs");
            }
            try {
                crls.add(new JcaX509CRLConverter().getCRL(holder));
            } catch (CRLException e) {
                throw new IOException(file + ": unreadable CRL", e);
            }
        }
        return crls;
    }

    public static X509CRL readCrl(Path file) throws IOException {
        Object o = readObject(file);
        if (!(o instanceof X509CRLHolder holder)) {
            throw new IOException(file + ": not a PEM CRL");
        }
        try {
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (CRLException e) {
            throw new IOException(file + ": unreadable CRL", e);
        }
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        Object o = readObject(file);
        if (o instanceof PrivateKeyInfo info) {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
            return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
        }
        throw new IOException(file + ": not an unencrypted PEM private key");
    }

    public static String toPem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        }
        return out.toString();
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    public static void writePem(Path file, Object o) throws IOException {
        writeAtomically(file, toPem(o).getBytes(StandardCharsets.US_ASCII));
    }

    /** As {@link #writePem}, readable by the owner only from the moment it exists (a private key). */
    public static void writePrivatePem(Path file, Object o) throws IOException {
        KeyFiles.writePrivately(file, toPem(o).getBytes(StandardCharsets.US_ASCII));
    }

    private static List<Object> readObjects(Path file) throws IOException {
        List<Object> all = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                all.add(o);
            }
        }
        if (all.isEmpty()) {
            throw new IOException(file + ": empty PEM file");
        }
        return all;
    }

    private static Object readObject(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            if (o == null) {
                throw new IOException(file + ": empty PEM file");
            }
            return o;
        }
    }
}
