package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway operators list|issue|grant|withdraw|terminals|reset-password|unlock|review|revoke|report|password}:
 * the operator register through the operator API (issue 12 items 1, 3 and 5), logged in with the
 * operator's certificate and password ({@link OperatorLogin}). Changes are made as the logged-in
 * administrator; a refusal prints {@code CODE: reason} and exits 1. Passwords given to the register
 * (an initial one, a reset, one's own new one) are read from a file only its owner may read, or
 * asked twice without echo ({@link PasswordFile}); none is ever printed.
 */
final class OperatorRegisterCommands {
    private OperatorRegisterCommands() {
    }

    /** A command of the register: the login, then one call. */
    abstract static class ApiCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;

        int run(ApiClient.Action action) {
            return ApiClient.run(spec, login, action);
        }

        /** A password for {@code what}: from {@code file} (0600, owned by us) or prompted twice; null after a refusal printed. */
        char[] password(Path file, String what) {
            try {
                return file != null ? PasswordFile.read(file) : PasswordFile.prompt(what);
            } catch (PasswordFile.Refused e) {
                spec.commandLine().getErr().println("operators " + spec.name() + ": " + e.getMessage());
                spec.commandLine().getErr().flush();
                return null;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The operator register: every operator with status, roles, terminals, last login, last review "
                    + "and lockout (administrator, auditor).")
    static final class ListCommand extends ApiCommand {
        @Override
        public Integer call() {
            return run((api, out) -> {
                JsonNode operators = api.post("/api/operators/list", ApiClient.body()).path("operators");
                table(out, operators);
                out.printf("%d operator(s)%n", operators.size());
                return 0;
            });
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "The yearly review report: active operators not reviewed for 12 months and those without a login "
                    + "for 90 days (administrator, auditor).")
    static final class ReportCommand extends ApiCommand {
        @Override
        public Integer call() {
            return run((api, out) -> {
                JsonNode r = api.post("/api/operators/review-report", ApiClient.body());
                out.printf("yearly review of the operator register as of %s%n", r.path("at").asText());
                out.printf("not reviewed for 12 months: %d%n", r.path("notReviewed").size());
                table(out, r.path("notReviewed"));
                out.printf("no login for 90 days: %d%n", r.path("noRecentLogin").size());
                table(out, r.path("noRecentLogin"));
                return 0;
            });
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue an operator with roles, terminals and an initial password (administrator). Then issue "
                    + "their certificate on the gateway's host: ./gateway pki issue-operator ID.")
    static final class IssueCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The new operator's ID (3-32 of a-z, 0-9, '.', '-', '_').")
        String id;
        @Option(names = "--name", required = true, description = "Display name.")
        String name;
        @Option(names = "--roles", required = true, split = ",", description = "Roles, e.g. manager,searcher.")
        List<String> roles = new ArrayList<>();
        @Option(names = "--terminals", required = true, split = ",", description = "Terminals they may log in from, e.g. ws-01,ws-02.")
        List<String> terminals = new ArrayList<>();
        @Option(names = "--initial-password-file", paramLabel = "FILE",
                description = "The initial password on its first line (a file of yours, mode 0600); default: asked twice.")
        Path passwordFile;

        @Override
        public Integer call() {
            char[] password = password(passwordFile, id);
            if (password == null) {
                return 1;
            }
            try {
                ObjectNode body = ApiClient.body().put("id", id).put("displayName", name).put("initialPassword", new String(password));
                texts(body.putArray("roles"), roles);
                texts(body.putArray("terminals"), terminals);
                return run((api, out) -> {
                    JsonNode o = api.post("/api/operators/issue", body);
                    out.printf("operator %s issued: roles %s; terminals %s. Their certificate: ./gateway pki issue-operator %s%n",
                            o.path("id").asText(), list(o.path("roles")), list(o.path("terminals")), o.path("id").asText());
                    return 0;
                });
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** grant and withdraw: one role of one operator. */
    abstract static class RoleCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Parameters(index = "1", paramLabel = "ROLE", description = "searcher, manager, auditor, administrator or maintainer.")
        String role;

        /** the API action: grant or withdraw */
        abstract String action();

        /** what the output says happened */
        abstract String done();

        @Override
        public Integer call() {
            return run((api, out) -> {
                JsonNode o = api.post("/api/operators/" + action(), ApiClient.body().put("id", id).put("role", role));
                out.printf("operator %s: role %s %s; roles now %s%n", o.path("id").asText(), role, done(), list(o.path("roles")));
                return 0;
            });
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Grant a role to an operator (administrator; "
            + "never to yourself).")
    static final class GrantCommand extends RoleCommand {
        @Override
        String action() {
            return "grant";
        }

        @Override
        String done() {
            return "granted";
        }
    }

    @Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Withdraw a role from an operator "
            + "(administrator); it takes effect at their next request.")
    static final class WithdrawCommand extends RoleCommand {
        @Override
        String action() {
            return "withdraw";
        }

        @Override
        String done() {
            return "withdrawn";
        }
    }

    @Command(name = "terminals", mixinStandardHelpOptions = true, description = "Set the terminals an operator may log in "
            + "from (administrator).")
    static final class TerminalsCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Parameters(index = "1..*", arity = "1..*", split = ",", paramLabel = "TERMINAL", description = "The terminals from now on.")
        List<String> terminals = new ArrayList<>();

        @Override
        public Integer call() {
            ObjectNode body = ApiClient.body().put("id", id);
            texts(body.putArray("terminals"), terminals);
            return run((api, out) -> {
                JsonNode o = api.post("/api/operators/terminals", body);
                out.printf("operator %s: terminals now %s%n", o.path("id").asText(), list(o.path("terminals")));
                return 0;
            });
        }
    }

    @Command(name = "reset-password", mixinStandardHelpOptions = true, description = "Give an operator a new password "
            + "(administrator): their sessions end and a lockout is lifted.")
    static final class ResetPasswordCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--new-password-file", paramLabel = "FILE",
                description = "The new password on its first line (a file of yours, mode 0600); default: asked twice.")
        Path passwordFile;

        @Override
        public Integer call() {
            char[] password = password(passwordFile, id);
            if (password == null) {
                return 1;
            }
            try {
                ObjectNode body = ApiClient.body().put("id", id).put("password", new String(password));
                return run((api, out) -> {
                    JsonNode o = api.post("/api/operators/reset-password", body);
                    out.printf("operator %s: password reset; their sessions have ended%n", o.path("id").asText());
                    return 0;
                });
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true, description = "Lift an operator's lockout after wrong "
            + "passwords (administrator).")
    static final class UnlockCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return run((api, out) -> {
                JsonNode o = api.post("/api/operators/unlock", ApiClient.body().put("id", id));
                out.printf("operator %s unlocked%n", o.path("id").asText());
                return 0;
            });
        }
    }

    @Command(name = "review", mixinStandardHelpOptions = true, description = "Record that you reviewed an operator's entry "
            + "(the yearly review; administrator).")
    static final class ReviewCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return run((api, out) -> {
                JsonNode o = api.post("/api/operators/review", ApiClient.body().put("id", id));
                out.printf("operator %s reviewed at %s%n", o.path("id").asText(), o.path("lastReviewedAt").asText());
                return 0;
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an operator for good, with a reason "
            + "(administrator); their sessions end. Revoke their certificate too: ./gateway pki revoke op-ID.")
    static final class RevokeCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--reason", required = true, description = "Why (kept in the register and the audit).")
        String reason;

        @Override
        public Integer call() {
            return run((api, out) -> {
                JsonNode o = api.post("/api/operators/revoke", ApiClient.body().put("id", id).put("reason", reason));
                out.printf("operator %s revoked at %s%n", o.path("id").asText(), o.path("revokedAt").asText());
                return 0;
            });
        }
    }

    @Command(name = "password", mixinStandardHelpOptions = true, description = "Change your own password: the current one "
            + "is your login's (--password-file, or asked again), the new one from --new-password-file or asked twice.")
    static final class PasswordCommand extends ApiCommand {
        @Option(names = "--new-password-file", paramLabel = "FILE",
                description = "Your new password on its first line (a file of yours, mode 0600); default: asked twice.")
        Path passwordFile;

        @Override
        public Integer call() {
            char[] fresh = password(passwordFile, "your account (the new password)");
            if (fresh == null) {
                return 1;
            }
            try {
                return run((api, out) -> {
                    char[] current = login.password();
                    try {
                        ObjectNode body = ApiClient.body().put("current", new String(current)).put("new", new String(fresh));
                        api.post("/api/session/password", body);
                    } finally {
                        Arrays.fill(current, '\0');
                    }
                    out.println("your password was changed: use the new one from your next login");
                    return 0;
                });
            } finally {
                Arrays.fill(fresh, '\0');
            }
        }
    }

    private static void texts(ArrayNode array, List<String> values) {
        values.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(array::add);
    }

    /** The operators as a table: one line each, the display name last (its width varies). */
    private static void table(PrintWriter out, JsonNode operators) {
        if (operators.isEmpty()) {
            return;
        }
        String format = "%-16s %-8s %-28s %-20s %-20s %-20s %-20s %s%n";
        out.printf(format, "ID", "STATUS", "ROLES", "TERMINALS", "LAST LOGIN", "LAST REVIEW", "LOCKED UNTIL", "NAME");
        for (JsonNode o : operators) {
            out.printf(format, o.path("id").asText(), o.path("status").asText(), list(o.path("roles")), list(o.path("terminals")),
                    time(o.path("lastLoginAt")), time(o.path("lastReviewedAt")), time(o.path("lockedUntil")),
                    o.path("displayName").asText());
        }
    }

    private static String list(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(n -> items.add(n.asText()));
        return items.isEmpty() ? "-" : String.join(",", items);
    }

    /** An ISO time to the second, or "-". */
    private static String time(JsonNode t) {
        if (t == null || t.isNull() || t.isMissingNode()) {
            return "-";
        }
        String s = t.asText();
        int dot = s.indexOf('.');
        return dot > 0 && s.endsWith("Z") ? s.substring(0, dot) + "Z" : s;
    }
}
