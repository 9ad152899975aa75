package jp.tokyo.juki.backup;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.audit.ChainVerifier;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.RevocationList;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.Test;

/**
 * The restore drill (issue 14 item 4): a gateway takes CS updates and operator activity, is stopped
 * and backed up by an administrator (a maintainer, a wrong password and a running gateway refused,
 * each audited); the archive is restored into an empty directory (an altered archive and a non-empty
 * target refused); a gateway started there finds its audit chain intact with the backup and its
 * refusals in it, every ACKed update in its store (a resend is a DUPLICATE), and delivers every notice
 * the first held undelivered (its national server was down).
 */
class BackupRestoreIT {
    private static final int UPDATES = 40;

    @Test
    void aBackupRestoredIntoAnEmptyDirectoryIsTheGatewayThatWasBackedUp() throws Exception {
        Map<String, String> quickHashes = Map.of("juki.operator.argon2-memory-kib", "1024", "juki.operator.argon2-iterations", "1");
        Path work = Files.createTempDirectory("juki-backup-it");
        // no national server while the first gateway runs: every notice is still in its outbox or broker journal
        // when it is backed up, and only the restored gateway can deliver it
        OperatorDesk desk = OperatorDesk.start(false, Map.of("juki.national.max-redeliveries", "100000"));
        RunningGateway restored = null;
        try {
            desk.issue("keeper1", Role.MAINTAINER).issue("auditor1", Role.AUDITOR);
            Path pw = Files.createFile(work.resolve("pw"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pw, OperatorDesk.PASSWORD + "\n");
            Path wrong = Files.createFile(work.resolve("wrong"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(wrong, "not the password\n");
            Path keyPw = Files.createFile(work.resolve("key-pw"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyPw, new String(TestPki.PASSWORD) + "\n");
            TestPki.backupKeyDir();

            // load: ACKed CS updates, and an auditor's verification (operator activity in the audit)
            List<Request> acked = new ArrayList<>();
            try (FrameClient cs = desk.gw.connect(SHINJUKU)) {
                List<Request> sent = new ArrayList<>();
                List<CompletableFuture<Reply>> replies = new ArrayList<>();
                for (int i = 0; i < UPDATES; i++) {
                    Request r = update(SHINJUKU, "MOVE_IN", person(SHINJUKU, Messages.newJuminhyoCode(),
                            Messages.newMyNumber(), "控 太郎", "ヒカエ タロウ"));
                    sent.add(r);
                    replies.add(cs.send(r));
                }
                for (int i = 0; i < UPDATES; i++) {
                    if (replies.get(i).get(30, TimeUnit.SECONDS).status() == Status.ACK) {
                        acked.add(sent.get(i));
                    }
                }
            }
            assertThat(acked).hasSize(UPDATES);
            OperatorDesk.Run verified = desk.cli("auditor1", "audit", "verify");
            assertThat(verified.exit()).as(verified.err()).isZero();

            Path data = desk.gw.data;
            Path archive = work.resolve("juki-backup.tar.p7m");
            // a running gateway is refused (audited in its own database)
            OperatorDesk.Run running = backup(data, archive, "admin1", pw);
            assertThat(running.exit()).isEqualTo(1);
            assertThat(running.err()).contains("backup refused (B409)");

            desk.gw.stopKeepingData();

            OperatorDesk.Run maintainer = backup(data, archive, "keeper1", pw);
            assertThat(maintainer.exit()).isEqualTo(1);
            assertThat(maintainer.err()).contains("backup refused (B403)");
            OperatorDesk.Run wrongPassword = backup(data, archive, "admin1", wrong);
            assertThat(wrongPassword.exit()).isEqualTo(1);
            assertThat(wrongPassword.err()).contains("backup refused (L401)");
            assertThat(archive).doesNotExist();

            Instant t0 = Instant.now();
            OperatorDesk.Run backedUp = backup(data, archive, "admin1", pw);
            assertThat(backedUp.exit()).as(backedUp.err()).isZero();
            System.out.printf("backup: %s%n", backedUp.out().strip());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-------");
            String digest = backedUp.out().replaceAll("(?s).*sha256 ([0-9a-f]{64}).*", "$1");

            // the stopped gateway's own chain: intact, with the archive's digest recorded after the copy
            GatewayConfig cfgA = GatewayConfig.load(Path.of("config/application.properties"),
                    Map.of("juki.data.dir", data.toString(), "juki.keystores.dir", TestPki.dir().toString()));
            try (EmbeddedDatabase db = EmbeddedDatabase.start(cfgA); Connection c = db.dataSource().getConnection()) {
                assertThat(new ChainVerifier(c, RevocationList.of(TestPki.dir())).verify(null, null).intact()).isTrue();
                assertThat(count(c, "code = 'B201' AND detail LIKE ?", "%sha256=" + digest + "%")).isEqualTo(1);
            }

            // refusals: an altered archive, a non-empty target
            Path altered = work.resolve("altered.tar.p7m");
            byte[] bytes = Files.readAllBytes(archive);
            bytes[bytes.length / 2] ^= 0x20;
            Files.write(altered, bytes);
            Path target = work.resolve("restored-data");
            Path keys = work.resolve("restored-keys");
            OperatorDesk.Run tampered = restore(altered, target, keys, pw, keyPw);
            assertThat(tampered.exit()).isEqualTo(1);
            assertThat(tampered.err()).contains("restore refused (R422)");
            assertThat(target).doesNotExist();
            Path occupied = Files.createDirectories(work.resolve("occupied"));
            Files.writeString(occupied.resolve("something"), "x");
            OperatorDesk.Run notEmpty = restore(archive, occupied, null, pw, keyPw);
            assertThat(notEmpty.exit()).isEqualTo(1);
            assertThat(notEmpty.err()).contains("restore refused (R409)");

            OperatorDesk.Run done = restore(archive, target, keys, pw, keyPw);
            assertThat(done.exit()).as(done.err()).isZero();
            System.out.printf("restore: %s%n", done.out().strip());
            System.out.printf("drill: backup + restore %.1f s, archive %,d bytes%n",
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0, Files.size(archive));

            Map<String, String> there = new HashMap<>(quickHashes);
            there.put("juki.data.dir", target.toString());
            there.put("juki.keystores.dir", keys.toString());
            restored = RunningGateway.start(true, there);
            OperatorDesk.Run intact = OperatorDesk.run("audit", "verify", "--cert", OperatorDesk.p12("auditor1").toString(),
                    "--password-file", pw.toString(), "--terminal", OperatorDesk.TERMINAL,
                    "--api", "https://localhost:" + restored.operatorPort(), "--set", "juki.keystores.dir=" + keys);
            assertThat(intact.exit()).as(intact.err()).isZero();
            assertThat(intact.out()).contains("audit chain intact");
            for (Request r : acked) {
                String code = r.body().path("record").path("juminhyoCode").asText();
                assertThat(restored.queryLong("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?", code))
                        .as("ACKed update %s", r.id()).isEqualTo(1);
            }
            try (FrameClient cs = restored.connect(SHINJUKU)) {
                for (Request r : acked.subList(0, 5)) {
                    assertThat(cs.send(r).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.DUPLICATE);
                }
            }
            try (Connection c = restored.gateway.database().dataSource().getConnection()) {
                assertThat(count(c, "msg_type = 'BACKUP' AND code = 'B200' AND status = 'ALLOWED'", null)).isEqualTo(1);
                assertThat(count(c, "msg_type = 'BACKUP' AND status = 'REFUSED' AND code IN ('B409', 'B403', 'L401')", null))
                        .isEqualTo(3);
                assertThat(count(c, "msg_type = 'RESTORE' AND code = 'R200' AND detail LIKE ?", "%sha256=" + digest + "%"))
                        .isEqualTo(1);
            }
            RunningGateway b = restored;
            long deadline = System.currentTimeMillis() + 60_000;
            while (b.national.noticeCount() < UPDATES && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            System.out.printf("notices: %d of %d delivered by the restored gateway%n", b.national.noticeCount(), UPDATES);
            assertThat(b.national.noticeCount()).as("notices held in the backed-up outbox and journal").isEqualTo(UPDATES);
        } finally {
            RunningGateway.closeAll(restored, desk);
            Restore.deleteTree(work);
        }
    }

    private static OperatorDesk.Run backup(Path data, Path out, String operator, Path password) throws Exception {
        return OperatorDesk.run("backup", "--out", out.toString(), "--data-dir", data.toString(),
                "--cert", OperatorDesk.p12(operator).toString(), "--password-file", password.toString(),
                "--terminal", OperatorDesk.TERMINAL, "--set", "juki.keystores.dir=" + TestPki.dir(),
                "--set", "juki.operator.argon2-memory-kib=1024", "--set", "juki.operator.argon2-iterations=1");
    }

    private static OperatorDesk.Run restore(Path archive, Path target, Path keys, Path password, Path keyPassword)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("restore", "--from", archive.toString(), "--data-dir", target.toString(),
                "--key", TestPki.backupKeyDir().resolve("backup.p12").toString(), "--key-password-file", keyPassword.toString(),
                "--ca", TestPki.dir().resolve("ca.pem").toString(),
                "--cert", OperatorDesk.p12("admin1").toString(), "--password-file", password.toString(),
                "--terminal", OperatorDesk.TERMINAL, "--set", "juki.operator.argon2-memory-kib=1024",
                "--set", "juki.operator.argon2-iterations=1"));
        if (keys != null) {
            args.addAll(List.of("--keystores-dir", keys.toString()));
        }
        return OperatorDesk.run(args.toArray(String[]::new));
    }

    private static long count(Connection c, String where, String arg) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit.record WHERE " + where)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
