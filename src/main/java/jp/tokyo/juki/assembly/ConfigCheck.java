package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.agency.AgencySettings;
import jp.tokyo.juki.platform.ConfigKeys;
import jp.tokyo.juki.platform.FileSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;
import jp.tokyo.juki.record.CheckDigits;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code ./gateway config check}: reads the configuration and the route files as the gateway
 * would and lists every mistake with its file and line, without starting anything: typed values,
 * ranges, unknown and retired keys of application.properties, the environment ({@code JUKI_*},
 * {@code {{env:…}}}) and {@code --set} (the keys as the settings records declare them), agencies.yaml (its own line-precise reading),
 * municipalities.csv, and the route files (YAML syntax, route ids, bean references, and
 * {@code {{placeholders}}} that no configuration key answers).
 */
public final class ConfigCheck {

    /** One mistake: where (line and column from 1; 0 when unknown) and what. */
    public record Problem(Path file, int line, int column, String message) {
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + (column > 0 ? ":" + column : "") + ": " + message;
        }
    }

    /** What was read, for the summary. */
    public record Summary(int keys, int agencies, int municipalities, int routes, int routeFiles) {
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]+)}}");

    private final Set<String> beans;
    private final ConfigKeys keys = SettingsCatalogue.keys();
    private Map<String, String> env = Map.of();
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Integer> keyLines = new HashMap<>();
    private int agencies;
    private int municipalities;
    private int routes;
    private int routeFiles;

    /** @param beans the names the gateway binds for route files ({@code ref:}, {@code #name}) */
    public ConfigCheck(Set<String> beans) {
        this.beans = Set.copyOf(beans);
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    public Summary summary() {
        return new Summary(values.size(), agencies, municipalities, routes, routeFiles);
    }

    /**
     * Checks the properties file and what it names; relative paths are taken from {@code base}
     * (the directory the gateway runs in). {@code overrides} are --set values and {@code environment}
     * the process's ({@code JUKI_*} variables of known keys, {@code {{env:…}}}), checked alike.
     */
    public ConfigCheck run(Path properties, Path base, Map<String, String> overrides, Map<String, String> environment)
            throws IOException {
        env = Map.copyOf(environment);
        properties(properties, base);
        for (Setting<?> s : keys.all()) {
            String name = GatewayConfig.environmentName(s.key());
            if (!s.isTemplate() && env.containsKey(name)) {
                checkValue(Path.of("environment " + name), 0, s.key(), env.get(name), base);
                values.put(s.key(), env.get(name));
            }
        }
        overrides.forEach((k, v) -> {
            checkValue(Path.of("--set"), 0, k, v, base);
            values.put(k, v);
        });
        keystores(properties, base);
        Path municipalitiesFile = base.resolve(value(FileSettings.MUNICIPALITIES.key(), FileSettings.MUNICIPALITIES.defaultValue()));
        if (Files.isRegularFile(municipalitiesFile)) {
            municipalities(municipalitiesFile);
        }
        Path agenciesFile = base.resolve(value(AgencySettings.FILE.key(), AgencySettings.FILE.defaultValue()));
        if (Files.isRegularFile(agenciesFile)) {
            agencies(agenciesFile);
        }
        String pattern = value("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        for (String one : pattern.split(",")) {
            routes(base, one.strip());
        }
        return this;
    }

    private String value(String key, String def) {
        String v;
        try {
            v = GatewayConfig.expand(key, values.get(key), env);
        } catch (IllegalArgumentException e) {
            return def; // reported where the key is set
        }
        return v == null || v.isBlank() ? def : v.strip();
    }

    // ------------------------------------------------------------------ application.properties

    private void properties(Path file, Path base) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).stripLeading();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            StringBuilder logical = new StringBuilder(line);
            while (endsWithContinuation(logical) && i + 1 < lines.size()) {
                logical.setLength(logical.length() - 1);
                logical.append(lines.get(++i).stripLeading());
            }
            String[] kv = split(logical.toString());
            String key = kv[0];
            Integer before = seen.put(key, lineNo);
            if (before != null) {
                problems.add(new Problem(file, lineNo, 0, key + ": set again (line " + before + " is overridden)"));
            }
            checkValue(file, lineNo, key, kv[1], base);
            values.put(key, kv[1]);
            keyLines.put(key, lineNo);
        }
    }

    private void checkValue(Path file, int lineNo, String key, String value, Path base) {
        Setting<?> setting = keys.find(key);
        if (setting == null) {
            if (key.startsWith("juki.")) {
                problems.add(new Problem(file, lineNo, 0, key + ": unknown key (misspelt? see config/application.properties)"));
            }
            return;
        }
        String resolved;
        try {
            resolved = GatewayConfig.expand(key, value, env);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(file, lineNo, 0, e.getMessage().replaceFirst("^configuration: ", "")));
            return;
        }
        String why = setting.check(resolved, base);
        if (why != null) {
            problems.add(new Problem(file, lineNo, 0, key + ": " + why));
        }
    }

    private static boolean endsWithContinuation(CharSequence s) {
        int backslashes = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** Key and value of a logical line as java.util.Properties reads them (=, : or blank). */
    private static String[] split(String line) {
        int i = 0;
        StringBuilder key = new StringBuilder();
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                key.append(line.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            }
            key.append(c);
            i++;
        }
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        if (i < line.length() && (line.charAt(i) == '=' || line.charAt(i) == ':')) {
            i++;
        }
        return new String[] {key.toString(), line.substring(i).strip()};
    }

    /** The files a start cannot do without: the CA, its CRL and the gateway's own key store. */
    private void keystores(Path properties, Path base) {
        String key = FileSettings.KEYSTORES_DIR.key();
        Path dir = base.resolve(value(key, FileSettings.KEYSTORES_DIR.defaultValue()));
        if (!Files.isDirectory(dir)) {
            return; // already reported as a value of the wrong kind
        }
        for (String name : List.of("ca.pem", "crl.pem", "gateway.p12")) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                problems.add(new Problem(properties, keyLines.getOrDefault(key, 0), 0, key + ": "
                        + name + " missing in " + dir + " (./gateway pki init makes a development PKI; keystores/README.md)"));
            }
        }
    }

    // ------------------------------------------------------------------ municipalities.csv, agencies.yaml

    private void municipalities(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("code,")) {
                continue;
            }
            String[] parts = trimmed.split(",", 2);
            String code = parts[0].strip();
            if (parts.length != 2 || parts[1].isBlank() || !CheckDigits.isValidMunicipalityCode(code)) {
                problems.add(new Problem(file, i + 1, 0,
                        "expected 'code,name' with a valid 6-digit municipality code (check digit included)"));
                continue;
            }
            Integer before = seen.put(code, i + 1);
            if (before != null) {
                problems.add(new Problem(file, i + 1, 0, code + " listed again (line " + before + ")"));
            }
            municipalities++;
        }
    }

    private static final Pattern AGENCY_LINE = Pattern.compile("line (\\d+): (.*)", Pattern.DOTALL);

    private void agencies(Path file) throws IOException {
        try {
            agencies = AgencyDirectory.load(file).agencies().size();
        } catch (AgencyDirectory.Invalid e) {
            for (String p : e.problems()) {
                Matcher m = AGENCY_LINE.matcher(p);
                problems.add(m.matches() ? new Problem(file, Integer.parseInt(m.group(1)), 0, m.group(2))
                        : new Problem(file, 0, 0, p));
            }
        }
    }

    // ------------------------------------------------------------------ routes

    private void routes(Path base, String pattern) throws IOException {
        String p = pattern.startsWith("file:") ? pattern.substring(5) : pattern;
        if (pattern.startsWith("classpath:")) {
            return; // shipped inside the jar: nothing an operator edits
        }
        Path glob = base.resolve(p);
        Path dir = glob.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            problems.add(new Problem(Path.of("camel.main.routes-include-pattern"), 0, 0, "no directory " + dir));
            return;
        }
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob.getFileName().toString())) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path f : sorted) {
                routeFile(f, ids);
            }
        }
    }

    private void routeFile(Path file, Set<String> ids) throws IOException {
        routeFiles++;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (Node doc : new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeAllFromReader(r)) {
                if (!(doc instanceof SequenceNode list)) {
                    problems.add(at(file, doc, "a route file is a list (- route: …)"));
                    continue;
                }
                for (Node item : list.getValue()) {
                    routeItem(file, item, ids);
                }
            }
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().orElse(null);
            problems.add(new Problem(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
                    "not YAML: " + e.getProblem()));
        } catch (YamlEngineException e) {
            problems.add(new Problem(file, 0, 0, "not YAML: " + e.getMessage()));
        }
    }

    private void routeItem(Path file, Node item, Set<String> ids) {
        if (!(item instanceof MappingNode m) || m.getValue().size() != 1) {
            problems.add(at(file, item, "each entry is one of route:, routeTemplate:, routeConfiguration:, beans: …"));
            return;
        }
        NodeTuple t = m.getValue().get(0);
        String kind = scalar(t.getKeyNode());
        Set<String> parameters = new HashSet<>();
        if ("route".equals(kind) || "routeTemplate".equals(kind)) {
            routes++;
            String id = t.getValueNode() instanceof MappingNode body ? scalar(get(body, "id")) : null;
            if (id == null || id.isBlank()) {
                problems.add(at(file, t.getKeyNode(), kind + " without an id (operators and metrics name routes by id)"));
            } else if (!ids.add(id)) {
                problems.add(at(file, get((MappingNode) t.getValueNode(), "id"), "route id " + id + " used twice"));
            }
            if ("routeTemplate".equals(kind) && t.getValueNode() instanceof MappingNode body
                    && get(body, "parameters") instanceof SequenceNode ps) {
                for (Node p : ps.getValue()) {
                    if (p instanceof MappingNode pm && scalar(get(pm, "name")) != null) {
                        parameters.add(scalar(get(pm, "name")));
                    }
                }
            }
        }
        walk(file, t.getValueNode(), null, parameters);
    }

    /** Every scalar: bean references and placeholders. */
    private void walk(Path file, Node node, String key, Set<String> parameters) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                walk(file, t.getValueNode(), scalar(t.getKeyNode()), parameters);
            }
        } else if (node instanceof SequenceNode s) {
            for (Node n : s.getValue()) {
                walk(file, n, key, parameters);
            }
        } else if (node instanceof ScalarNode s) {
            String v = s.getValue();
            if ("ref".equals(key)) {
                bean(file, s, v);
            } else if (v.startsWith("#") && !v.startsWith("#class:") && !v.startsWith("#type:")) {
                for (String ref : v.split(",")) {
                    String name = ref.strip();
                    name = name.startsWith("#bean:") ? name.substring(6) : name.startsWith("#") ? name.substring(1) : name;
                    bean(file, s, name);
                }
            }
            Matcher ph = PLACEHOLDER.matcher(v);
            while (ph.find()) {
                String inside = ph.group(1);
                if (inside.contains(":") || inside.startsWith("env.") || inside.startsWith("sys.")) {
                    continue; // has a default, or is not a configuration key
                }
                if (!parameters.contains(inside) && value(inside, null) == null) {
                    problems.add(at(file, s, "{{" + inside + "}}: no such configuration key (and no default)"));
                }
            }
        }
    }

    private void bean(Path file, Node where, String name) {
        if (!beans.contains(name)) {
            problems.add(at(file, where, "no bean named " + name + " (the gateway binds: " + String.join(", ",
                    new TreeSet<>(beans)) + ")"));
        }
    }

    private static Node get(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (key.equals(scalar(t.getKeyNode()))) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private static Problem at(Path file, Node node, String message) {
        Mark m = node == null ? null : node.getStartMark().orElse(null);
        return new Problem(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1, message);
    }
}
