package jp.tokyo.juki.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jp.tokyo.juki.platform.SharedSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit key's fingerprint (issue 14, cluster.secret) and the refusal to make a key on a node of several. */
class PersonHasherKeyCheckTest {
    @TempDir
    Path dir;

    @Test
    void theSameKeyGivesTheSameFingerprintAnotherKeyAnother() throws Exception {
        byte[] key = new byte[32];
        key[0] = 1;
        byte[] other = key.clone();
        other[31] = 1;
        assertThat(new PersonHasher(key).keyCheck()).isEqualTo(new PersonHasher(key.clone()).keyCheck());
        assertThat(new PersonHasher(key).keyCheck()).isNotEqualTo(new PersonHasher(other).keyCheck());
        assertThat(SharedSecrets.shown(new PersonHasher(key).keyCheck()))
                .isNotEqualTo(SharedSecrets.shown(new PersonHasher(other).keyCheck())).hasSize(SharedSecrets.SHOWN);
    }

    @Test
    void theFingerprintIsTheHmacOfTheConstantAndNeitherTheKeyNorAPersonsHash() throws Exception {
        byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        PersonHasher hasher = new PersonHasher(key);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = mac.doFinal("juki key check v1".getBytes());
        assertThat(hasher.keyCheck()).isEqualTo(expected).hasSize(32);
        assertThat(HexFormat.of().formatHex(hasher.keyCheck())).doesNotContain(HexFormat.of().formatHex(key, 0, 8));
        // a 住民票コード that spelled the constant would not give the fingerprint either: hashes are cut to 16 bytes
        assertThat(hasher.hash("juki key check v1")).isNotEqualTo(HexFormat.of().formatHex(hasher.keyCheck()));
    }

    @Test
    void aNodeThatMayNotMakeTheKeyRefusesWhenItIsMissingAndMakesNone() {
        Path file = dir.resolve("audit-hmac.key");
        assertThatThrownBy(() -> PersonHasher.fromKeyFile(file, false)).isInstanceOf(IOException.class)
                .hasMessageContaining("is missing").hasMessageContaining("never makes one");
        assertThat(file).doesNotExist();
    }

    @Test
    void aNodeThatMayMakeTheKeyMakesOneAndReadsItBackWithTheSameFingerprint() throws Exception {
        Path file = dir.resolve("audit-hmac.key");
        byte[] made = PersonHasher.fromKeyFile(file, true).keyCheck();
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(PersonHasher.fromKeyFile(file, false).keyCheck()).isEqualTo(made);
    }

    @Test
    void theCaFingerprintIsTheHashOfTheCertificatesInOrder() {
        byte[] a = {1, 2};
        byte[] b = {3};
        assertThat(SharedSecrets.sha256(List.of(a, b))).isEqualTo(SharedSecrets.sha256(List.of(a, b)))
                .isNotEqualTo(SharedSecrets.sha256(List.of(b, a))).hasSize(32);
    }
}
