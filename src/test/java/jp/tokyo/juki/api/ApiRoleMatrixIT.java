package jp.tokyo.juki.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jp.tokyo.juki.operator.Permission;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Api;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The role matrix, enforced (issue 12): every action of the operator API — read from the route
 * files, so that an action added later is walked too — asked by an operator of each role in turn.
 * Where {@link Permission} allows the role, the gate lets the request through (whatever the action
 * then answers to an empty body, it is not the gate's 403) and records {@code API_REQUEST} before
 * it; where it does not, the answer is 403 {@code P403} and the refusal is recorded
 * ({@code API_REFUSED}) with the operator. Printed as a table for the closing note.
 */
class ApiRoleMatrixIT {
    static OperatorDesk desk;
    static final Map<Role, String> OPERATORS = new EnumMap<>(Role.class);

    /** One API action as the route files declare it. */
    record Action(String path, String route, Permission permission) {
    }

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(false, Map.of());
        for (Role r : Role.values()) {
            String id = "m-" + r.text();
            if (r == Role.ADMINISTRATOR) {
                id = OperatorDesk.ADMIN;
            } else {
                desk.issue(id, r);
            }
            OPERATORS.put(r, id);
        }
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    @Test
    void everyApiActionAnswersEachRoleAsThePermissionSaysAndRecordsItFirst() throws Exception {
        List<Action> actions = apiActions();
        // BACKUP is checked at the host by ./gateway backup and restore (operator.HostLogin), with the gateway stopped
        assertThat(actions).extracting(Action::permission).as("every permission but BACKUP has an API action")
                .containsAll(EnumSet.complementOf(EnumSet.of(Permission.BACKUP)))
                .doesNotContain(Permission.BACKUP);
        StringBuilder table = new StringBuilder("\nrole matrix as enforced (✔ passed the gate, — 403 P403)\n");
        table.append(String.format("%-34s", "action"));
        for (Role r : Role.values()) {
            table.append(String.format(" %-13s", r.text()));
        }
        table.append('\n');
        Map<Role, Api> sessions = new EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            sessions.put(r, desk.login(OPERATORS.get(r)));
        }
        List<String> wrong = new ArrayList<>();
        for (Action a : actions) {
            if (a.permission() == Permission.SESSION && a.path().endsWith("/logout")) {
                continue; // would end the session the walk goes on with; OperatorPortIT covers it
            }
            table.append(String.format("%-34s", a.path()));
            for (Role r : Role.values()) {
                String op = OPERATORS.get(r);
                long before = desk.gw.queryLong("SELECT coalesce(max(seq), 0) FROM audit.record");
                Reply reply = sessions.get(r).post(a.path(), OperatorDesk.body());
                boolean allowed = a.permission().allows(Set.of(r));
                boolean gated = reply.status() == 403 && "P403".equals(reply.code());
                if (allowed == gated) {
                    wrong.add(a.path() + " as " + r.text() + ": " + reply.status() + " " + reply.code());
                }
                String type = allowed ? "API_REQUEST" : "API_REFUSED";
                long recorded = desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE seq > ? AND msg_type = ? "
                        + "AND operator_id = ? AND terminal_id = ?", before, type, op, OperatorDesk.TERMINAL);
                if (recorded == 0) {
                    wrong.add(a.path() + " as " + r.text() + ": no " + type + " record");
                }
                table.append(String.format(" %-13s", gated ? "—" : "✔ " + reply.status()));
            }
            table.append('\n');
        }
        System.out.println(table);
        assertThat(wrong).as("actions that did not answer as the matrix says").isEmpty();
    }

    /** The API's actions: each POST path of a rest block of /api with the permission its route names. */
    @SuppressWarnings("unchecked")
    static List<Action> apiActions() throws IOException {
        Map<String, String> pathByRoute = new HashMap<>();
        Map<String, Permission> permissionByRoute = new HashMap<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList()) {
                Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(f));
                for (Object item : (List<Object>) doc) {
                    Map<String, Object> m = (Map<String, Object>) item;
                    if (m.get("rest") instanceof Map<?, ?> rest && "/api".equals(rest.get("path"))
                            && rest.get("post") instanceof List<?> posts) {
                        for (Object p : posts) {
                            Map<String, Object> verb = (Map<String, Object>) p;
                            pathByRoute.put(String.valueOf(verb.get("to")).replace("direct:", ""), "/api" + verb.get("path"));
                        }
                    }
                    if (m.get("route") instanceof Map<?, ?> route && route.get("from") instanceof Map<?, ?> from
                            && from.get("steps") instanceof List<?> steps) {
                        for (Object s : steps) {
                            if (((Map<String, Object>) s).get("setProperty") instanceof Map<?, ?> set
                                    && "jukiPermission".equals(set.get("name"))) {
                                permissionByRoute.put(String.valueOf(route.get("id")), Permission.valueOf(String.valueOf(set.get("constant"))));
                            }
                        }
                    }
                }
            }
        }
        List<Action> actions = new ArrayList<>();
        pathByRoute.forEach((route, path) -> {
            if (permissionByRoute.containsKey(route)) {
                actions.add(new Action(path, route, permissionByRoute.get(route)));
            }
        });
        actions.sort((a, b) -> a.path().compareTo(b.path()));
        return actions;
    }
}
