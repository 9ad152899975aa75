package jp.tokyo.juki.harness;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import picocli.CommandLine;

/**
 * The demo's operators, made as an operator team would: personal certificates from the (dev) CA,
 * the first administrator on the host ({@code operators bootstrap}), then a manager and a searcher
 * issued by that administrator through the operator API ({@code operators issue}). Every later
 * operator command of the demo runs as one of them, logged in with certificate and password.
 */
final class DemoOperators {
    static final String ADMIN = "demo-admin";
    static final String MANAGER = "demo-manager";
    static final String SEARCHER = "demo-searcher";
    static final String TERMINAL = "demo-ws";
    /** the demo's password (dev only): long, not in the denylist, no operator ID in it */
    static final String PASSWORD = "amber harbour lantern 47";

    /** What an operator command printed (out and err) and its exit code. */
    record Run(int exit, String output) {
    }

    private final Path keystores;
    private final Path passwordFile;
    private final int operatorPort;
    private final List<String> report = new ArrayList<>();

    private DemoOperators(Path keystores, Path passwordFile, int operatorPort) {
        this.keystores = keystores;
        this.passwordFile = passwordFile;
        this.operatorPort = operatorPort;
    }

    /** Certificates, the bootstrap administrator, then a manager and a searcher issued through the API. */
    static DemoOperators setUp(Path gatewayData, Path keystores, int operatorPort) throws Exception {
        Path pw = gatewayData.resolveSibling("operator-password.txt");
        Files.deleteIfExists(pw);
        Files.createFile(pw, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pw, PASSWORD + "\n");
        DemoOperators ops = new DemoOperators(keystores, pw, operatorPort);
        DevPki pki = new DevPki(keystores, "juki-dev".toCharArray());
        Instant now = Instant.now();
        for (String id : List.of(ADMIN, MANAGER, SEARCHER)) {
            pki.issue(Identities.operator(id), now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)));
        }
        Run boot = run("operators", "bootstrap", "--id", ADMIN, "--name", "デモ 管理者", "--terminal", TERMINAL,
                "--password-file", pw.toString(), "--data", gatewayData.toString(), "--set", "juki.keystores.dir=" + keystores);
        ops.note("operators bootstrap " + ADMIN, boot);
        ops.note("operators issue " + MANAGER + " (as " + ADMIN + ")", ops.as(ADMIN, "operators", "issue", MANAGER,
                "--name", "デモ 管理責任者", "--roles", "manager", "--terminals", TERMINAL, "--initial-password-file", pw.toString()));
        ops.note("operators issue " + SEARCHER + " (as " + ADMIN + ")", ops.as(ADMIN, "operators", "issue", SEARCHER,
                "--name", "デモ 検索担当者", "--roles", "searcher", "--terminals", TERMINAL, "--initial-password-file", pw.toString()));
        return ops;
    }

    /** Whether every step of the set-up succeeded. */
    boolean ok() {
        return report.stream().allMatch(l -> l.endsWith(": ok"));
    }

    List<String> report() {
        return report;
    }

    private void note(String what, Run run) {
        report.add(what + ": " + (run.exit() == 0 ? "ok" : "exit " + run.exit() + " — " + run.output().strip()));
    }

    /** {@code ./gateway args…} logged in as {@code operatorId} at the demo's terminal. */
    Run as(String operatorId, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--cert", keystores.resolve(Identities.operator(operatorId) + ".p12").toString(),
                "--password-file", passwordFile.toString(), "--terminal", TERMINAL,
                "--api", "https://localhost:" + operatorPort, "--set", "juki.keystores.dir=" + keystores));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code ./gateway args…} in this process. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new GatewayCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exit = cli.execute(args);
        return new Run(exit, out.toString());
    }

    /** Removes the demo's password file. */
    void close() throws IOException {
        Files.deleteIfExists(passwordFile);
    }
}
