package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.NestedCms;
import jp.tokyo.juki.testkit.SystemTools;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.Test;

/**
 * The agency files of PROTOCOL §4 against a tool nobody here wrote: a request made with the
 * `openssl cms` command line (sign, then encrypt) opens and verifies, and the gateway's answer
 * opens with `openssl cms -decrypt` and verifies with `openssl cms -verify` against the CA.
 */
class CmsFilesIT {
    private static final String CSV = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\nr1,SUIDO-FEE,JUMINHYO_CODE,24727059608,,,,,,\n";

    private static Path pki(String name) throws Exception {
        return TestPki.dir().resolve(name);
    }

    private static PrivateKey key(String identity) throws Exception {
        return Pem.readPrivateKey(pki(identity + ".key.pem"));
    }

    private static X509Certificate cert(String identity) throws Exception {
        return Pem.readCertificate(pki(identity + ".pem"));
    }

    @Test
    void aRequestSignedAndEncryptedByOpensslOpensAndNamesItsSigner() throws Exception {
        Path dir = Files.createTempDirectory("cms");
        Files.writeString(dir.resolve("req.csv"), CSV, StandardCharsets.UTF_8);
        SystemTools.openssl(dir, "cms", "-sign", "-nodetach", "-binary", "-in", "req.csv", "-signer", pki(TestPki.AGENCY + ".pem").toString(),
                "-inkey", pki(TestPki.AGENCY + ".key.pem").toString(), "-md", "sha256", "-outform", "DER", "-out", "signed.der");
        SystemTools.openssl(dir, "cms", "-encrypt", "-binary", "-aes-256-gcm", "-in", "signed.der", "-recip",
                pki(Identities.GATEWAY + ".pem").toString(), "-keyopt", "rsa_padding_mode:oaep", "-outform", "DER",
                "-out", "req.p7m");

        CmsFiles.Opened opened = CmsFiles.open(Files.readAllBytes(dir.resolve("req.p7m")), key(Identities.GATEWAY),
                cert(Identities.GATEWAY));

        assertThat(new String(opened.content(), StandardCharsets.UTF_8)).isEqualTo(CSV);
        assertThat(Identities.commonName(opened.signer())).isEqualTo(TestPki.AGENCY);
    }

    @Test
    void theGatewaysAnswerDecryptsAndVerifiesWithOpenssl() throws Exception {
        Path dir = Files.createTempDirectory("cms");
        byte[] answer = CmsFiles.protect(CSV.getBytes(StandardCharsets.UTF_8), key(Identities.GATEWAY),
                cert(Identities.GATEWAY), cert(TestPki.AGENCY));
        Files.write(dir.resolve("res.p7m"), answer);

        SystemTools.openssl(dir, "cms", "-decrypt", "-inform", "DER", "-in", "res.p7m", "-recip", pki(TestPki.AGENCY + ".pem").toString(),
                "-inkey", pki(TestPki.AGENCY + ".key.pem").toString(), "-out", "signed.der");
        SystemTools.openssl(dir, "cms", "-verify", "-binary", "-inform", "DER", "-in", "signed.der", "-CAfile", pki("ca.pem").toString(),
                "-out", "res.csv");

        assertThat(Files.readString(dir.resolve("res.csv"), StandardCharsets.UTF_8)).isEqualTo(CSV);
        assertThat(new String(Files.readAllBytes(dir.resolve("res.p7m")), StandardCharsets.ISO_8859_1))
                .as("nothing of the content in clear").doesNotContain("24727059608");
    }

    @Test
    void aFileForAnotherRecipientIsRefused() throws Exception {
        byte[] forOther = CmsFiles.protect(CSV.getBytes(StandardCharsets.UTF_8), key(TestPki.AGENCY), cert(TestPki.AGENCY),
                cert(TestPki.OTHER_AGENCY));

        assertThatThrownBy(() -> CmsFiles.open(forOther, key(Identities.GATEWAY), cert(Identities.GATEWAY)))
                .isInstanceOf(CmsFiles.Refused.class).hasMessage("not encrypted to the gateway's certificate");
    }

    @Test
    void anAlteredFileIsRefused() throws Exception {
        byte[] file = CmsFiles.protect(CSV.getBytes(StandardCharsets.UTF_8), key(TestPki.AGENCY), cert(TestPki.AGENCY),
                cert(Identities.GATEWAY));
        file[file.length - 40] ^= 0x01; // inside the GCM-protected content

        assertThatThrownBy(() -> CmsFiles.open(file, key(Identities.GATEWAY), cert(Identities.GATEWAY)))
                .isInstanceOf(CmsFiles.Refused.class).hasMessage("cannot be decrypted (wrong key or altered file)");
    }

    @Test
    void somethingThatIsNoCmsFileIsRefused() {
        assertThatThrownBy(() -> CmsFiles.open(CSV.getBytes(StandardCharsets.UTF_8), key(Identities.GATEWAY),
                cert(Identities.GATEWAY)))
                .isInstanceOf(CmsFiles.Refused.class).hasMessage("not a CMS AuthEnvelopedData (RFC 5083) file");
    }

    @Test
    void aFileNestedDeeperThanTheParsersCanFollowIsRefusedNotAStackOverflow() throws Exception {
        // issue 15 review: 100,000 nested indefinite-length values (400 KB) overflowed BouncyCastle's recursive parsers;
        // the StackOverflowError left CmsFiles and the agency's poll, and the file was retried at every poll
        for (int depth : new int[]{1_000, 100_000}) {
            byte[] outer = NestedCms.nestedRecipientInfos(depth);
            assertThatThrownBy(() -> CmsFiles.open(outer, key(Identities.GATEWAY), cert(Identities.GATEWAY)))
                    .as("recipientInfos nested %d deep", depth)
                    .isInstanceOf(CmsFiles.Refused.class).hasMessage("not a CMS AuthEnvelopedData (RFC 5083) file");
            // anyone can encrypt to the gateway's certificate: the decrypted content is as hostile
            byte[] certificates = NestedCms.nestedSignedDataCertificates(depth, cert(Identities.GATEWAY));
            assertThatThrownBy(() -> CmsFiles.open(certificates, key(Identities.GATEWAY), cert(Identities.GATEWAY)))
                    .as("SignedData certificates nested %d deep", depth)
                    .isInstanceOf(CmsFiles.Refused.class);
            byte[] content = NestedCms.nestedSignedContent(depth, cert(Identities.GATEWAY));
            assertThatThrownBy(() -> CmsFiles.open(content, key(Identities.GATEWAY), cert(Identities.GATEWAY)))
                    .as("signed content nested %d deep", depth).isInstanceOf(CmsFiles.Refused.class);
        }
    }
}
