package jp.tokyo.juki.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The password policy as an administrator meets it: a length of 12 to 128 characters, no common
 * password or word of this domain making up the password, not the operator's ID or name, no runs of
 * three; everything compared in NFKC and lower case; a refusal names the rule and never the password.
 */
class PasswordPolicyTest {
    private static PasswordPolicy policy;

    @BeforeAll
    static void load() throws Exception {
        policy = PasswordPolicy.load(Path.of("config/password-denylist.txt"));
    }

    private static String code(String password) {
        return code(password, "tanaka.h", "田中 花子");
    }

    private static String code(String password, String id, String name) {
        Optional<PasswordPolicy.Refusal> r = policy.check(password.toCharArray(), id, name);
        return r.map(PasswordPolicy.Refusal::code).orElse("OK");
    }

    @Test
    void theCommittedDenylistHoldsAboutTwoHundredEntriesOfOurOwn() {
        assertThat(policy.size()).isBetween(180, 400);
        assertThat(policy.entries()).contains("password", "qwerty", "juki", "住基ネット", "tokyo", "gateway", "2025", "juki-dev");
    }

    @Test
    void aLongPassphraseOfItsOwnIsAccepted() {
        assertThat(code("correct horse battery staple")).isEqualTo("OK");
        assertThat(code("Wisteria-Kettle-Mango-74")).isEqualTo("OK");
        assertThat(code("梅雨明けの空に鳴く蝉と冷えた麦茶")).isEqualTo("OK");
    }

    @Test
    void twelveToOneHundredTwentyEightCharactersCountedAsCodePoints() {
        assertThat(code("Wq7#pZ2m!xR")).isEqualTo("PWLENGTH");
        assertThat(code("Wq7#pZ2m!xRt")).isEqualTo("OK");
        assertThat(code("x7Kq".repeat(32))).isEqualTo("OK");
        assertThat(code("x7Kq".repeat(32) + "v")).isEqualTo("PWLENGTH");
        // 12 kanji are 12 characters (24 UTF-16 units are not 24)
        assertThat(code("𠮷野家で牛丼を食べた後に歩")).isEqualTo("OK");
        assertThat(code("𠮷野家で牛丼を食べ")).isEqualTo("PWLENGTH");
    }

    @Test
    void aDenylistEntryOrAPasswordMadeMostlyOfThemIsRefused() {
        assertThat(code("passwordpassword")).isEqualTo("PWCOMMON");
        assertThat(code("Password2025!")).isEqualTo("PWCOMMON");
        assertThat(code("juki-gateway")).isEqualTo("PWCOMMON");
        assertThat(code("Tokyo-Juki-Net-2024")).isEqualTo("PWCOMMON");
        assertThat(code("住基ネット管理者パスワード")).isEqualTo("PWCOMMON");
        // a passphrase that merely contains a domain word has enough of its own
        assertThat(code("tokyo rain on violet umbrellas")).isEqualTo("OK");
    }

    @Test
    void fullWidthAndUpperCaseSpellingsAreTheSame() {
        // NFKC folds full-width letters and digits to ASCII
        assertThat(code("ＰＡＳＳＷＯＲＤ２０２５！")).isEqualTo("PWCOMMON");
        assertThat(code("QWERTYUIOP!!?")).isEqualTo("PWCOMMON");
    }

    @Test
    void theOperatorsIdOrNameOrAPartOfEitherIsRefused() {
        assertThat(code("my-tanaka.h-secret-x")).isEqualTo("PWNAME");
        assertThat(code("Violet umbrella TANAKA")).isEqualTo("PWNAME");
        assertThat(code("violet umbrella 花子さん")).isEqualTo("PWNAME");
        assertThat(code("violet umbrella 田中 花子")).isEqualTo("PWNAME");
        assertThat(code("violet umbrella ok", "suzuki01", "Suzuki Ichiro")).isEqualTo("OK");
    }

    @Test
    void threeEqualOrSequentialCharactersInARowAreRefused() {
        assertThat(code("violet-umbrellaaa")).isEqualTo("PWREPEAT");
        assertThat(code("violet-umbrella-xyz")).isEqualTo("PWREPEAT");
        assertThat(code("violet-umbrella-987")).isEqualTo("PWREPEAT");
        assertThat(code("violet-umbrella-!!!")).isEqualTo("PWREPEAT");
        assertThat(code("violet-umbrella-135")).isEqualTo("OK");
    }

    @Test
    void aRefusalNamesTheRuleNeverThePassword() {
        String secret = "Password2025!";
        PasswordPolicy.Refusal r = policy.check(secret.toCharArray(), "tanaka.h", "田中 花子").orElseThrow();
        assertThat(r.reason()).doesNotContainIgnoringCase("password2025").doesNotContain("2025");
    }

    @Test
    void theDenylistIsFoundOnTheClasspathWhenTheConfiguredFileIsMissing() throws Exception {
        // the build does not put it on the classpath (yet): then a missing file stops the start, naming the key
        if (PasswordPolicy.class.getResource(PasswordPolicy.RESOURCE) == null) {
            assertThatThrownBy(() -> PasswordPolicy.load(Path.of("no/such/file.txt")))
                    .hasMessageContaining("juki.operator.password-denylist");
        } else {
            assertThat(PasswordPolicy.load(Path.of("no/such/file.txt")).size()).isEqualTo(policy.size());
        }
    }
}
