package jp.tokyo.juki.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.operator.OperatorDb.Audited;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * {@code ./gateway operators bootstrap} on the host of a running database (issue 12 item 3): the
 * first administrator is created once, audited with the host user; a second bootstrap is refused
 * and audited; a password file others may read is refused before anything is done; the
 * administrator so made logs in.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorsBootstrapIT {
    private static final String PASSWORD = "Wisteria kettle mango 74";
    private static OperatorDb db;
    private static Path dir;
    private String out;
    private String err;

    @BeforeAll
    static void start() throws Exception {
        db = OperatorDb.start();
        dir = Files.createTempDirectory("juki-bootstrap");
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @BeforeEach
    void mark() throws Exception {
        db.markAudit();
    }

    private static Path passwordFile(String name, String password, String mode) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, password + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private int bootstrap(String id, Path passwordFile) {
        List<String> args = new ArrayList<>(List.of("operators", "bootstrap", "--data", db.data.toString(),
                "--set", "juki.operator.argon2-memory-kib=1024", "--set", "juki.operator.argon2-iterations=1",
                "--id", id, "--name", "管理 一郎", "--terminal", "WS-01", "--password-file", passwordFile.toString()));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = new CommandLine(new GatewayCli()).setOut(new PrintWriter(o)).setErr(new PrintWriter(e))
                .execute(args.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    @Order(1)
    void aPasswordFileOthersMayReadIsRefusedBeforeAnythingIsDone() throws Exception {
        assertThat(bootstrap("admin1", passwordFile("readable", PASSWORD, "rw-r--r--"))).isEqualTo(1);
        assertThat(err).contains("readable by its owner only").doesNotContain(PASSWORD);
        assertThat(db.audit("OPERATOR_BOOTSTRAP")).isEmpty();
        assertThat(db.scalar("SELECT count(*) FROM operator.operator")).isZero();
    }

    @Test
    @Order(2)
    void aWeakPasswordIsRefusedAndAudited() throws Exception {
        assertThat(bootstrap("admin1", passwordFile("weak", "juki-gateway-2025", "rw-------"))).isEqualTo(1);
        assertThat(err).contains("refused (O400)", "PWCOMMON").doesNotContain("juki-gateway-2025");
        assertThat(db.audit("OPERATOR_BOOTSTRAP")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo("REFUSED");
            assertThat(a.code()).isEqualTo("O400");
        });
    }

    @Test
    @Order(3)
    void theFirstAdministratorIsCreatedOnceAndAudited() throws Exception {
        assertThat(bootstrap("admin1", passwordFile("good", PASSWORD, "rw-------"))).isZero();
        assertThat(out).contains("administrator admin1 created", "ws-01", "pki issue-operator admin1");
        Audited a = db.audit("OPERATOR_BOOTSTRAP").get(0);
        assertThat(a.status()).isEqualTo("ALLOWED");
        assertThat(a.code()).isEqualTo("O200");
        assertThat(a.peer()).isEqualTo("host:" + System.getProperty("user.name"));
        assertThat(a.messageId()).isEqualTo("admin1");
        assertThat(a.line()).isEqualTo("operator");
        assertThat(db.allAuditText()).doesNotContain(PASSWORD).doesNotContain("管理 一郎");

        Operators ops = db.operators();
        Operator admin = ops.register().find("admin1").orElseThrow();
        assertThat(admin.roles()).containsExactly(Role.ADMINISTRATOR);
        assertThat(admin.issuedBy()).isEqualTo("host:" + System.getProperty("user.name"));
        assertThat(ops.logins().login("admin1", "0f".repeat(32), PASSWORD.toCharArray(), "ws-01"))
                .isInstanceOf(Logins.LoggedIn.class);
    }

    @Test
    @Order(4)
    void aSecondBootstrapIsRefusedAndAudited() throws Exception {
        assertThat(bootstrap("admin2", passwordFile("good2", PASSWORD, "rw-------"))).isEqualTo(1);
        assertThat(err).contains("refused (O409)", "an active administrator exists");
        assertThat(db.audit("OPERATOR_BOOTSTRAP")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo("REFUSED");
            assertThat(a.code()).isEqualTo("O409");
            assertThat(a.messageId()).isEqualTo("admin2");
            assertThat(a.peer()).startsWith("host:");
        });
        assertThat(db.operators().register().find("admin2")).isEmpty();
        assertThat(db.chainIntact()).isTrue();
    }
}
