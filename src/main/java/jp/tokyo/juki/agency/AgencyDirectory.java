package jp.tokyo.juki.agency;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
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
 * Who may ask for what: the agencies of {@code config/agencies.yaml} (SPEC R-PROV, 住基法別表第5/第6,
 * 都条例, 番号法 Art. 9). Read once at start; every mistake in the file is reported with its line
 * and reason, all of them at once, and the gateway does not start on an invalid file.
 */
public final class AgencyDirectory {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern BUSINESS_CODE = Pattern.compile("[A-Z0-9][A-Z0-9_-]{0,31}");
    private static final Set<String> TOP = Set.of("agencies");
    private static final Set<String> AGENCY = Set.of("id", "name", "kind", "businesses");
    private static final Set<String> BUSINESS = Set.of("code", "name", "legalBasis", "keyTypes", "items", "myNumber");

    /** The file is invalid; each problem names its line. */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        Invalid(String file, List<String> problems) {
            super(file + " is invalid:\n  " + String.join("\n  ", problems), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final Map<String, Agency> agencies;

    private AgencyDirectory(Map<String, Agency> agencies) {
        this.agencies = agencies;
    }

    /** No agency at all (no file configured). */
    public static AgencyDirectory empty() {
        return new AgencyDirectory(Map.of());
    }

    public Collection<Agency> agencies() {
        return agencies.values();
    }

    public Optional<Agency> agency(String id) {
        return Optional.ofNullable(agencies.get(id));
    }

    /**
     * Whether 番号法 lets this agency use the My Number for this business (R-LINK's permission):
     * the business is one of the agency's and says {@code myNumber: true}.
     */
    public boolean allowsMyNumber(String agencyId, String business) {
        Agency a = agencies.get(agencyId);
        Business b = a == null ? null : a.businesses().get(business);
        return b != null && b.myNumber();
    }

    /** The {@code agency-ID} identities the PKI issues for these agencies. */
    public List<String> identities() {
        return agencies.values().stream().map(Agency::identity).toList();
    }

    public static AgencyDirectory load(Path file) throws IOException, Invalid {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        }
    }

    static AgencyDirectory parse(Reader reader, String label) throws Invalid {
        Node root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(label).build()).composeReader(reader).orElse(null);
        } catch (MarkedYamlEngineException e) {
            throw new Invalid(label, List.of(at(e.getProblemMark().orElse(null)) + "not YAML: " + e.getProblem()));
        } catch (YamlEngineException e) {
            throw new Invalid(label, List.of("not YAML: " + e.getMessage()));
        }
        Reading reading = new Reading();
        Map<String, Agency> agencies = reading.file(root);
        if (!reading.problems.isEmpty()) {
            throw new Invalid(label, reading.problems);
        }
        return new AgencyDirectory(agencies);
    }

    private static String at(Mark mark) {
        return mark == null ? "" : "line " + (mark.getLine() + 1) + ": ";
    }

    private static String at(Node node) {
        return at(node.getStartMark().orElse(null));
    }

    /** One pass over the file, collecting every problem rather than stopping at the first. */
    private static final class Reading {
        final List<String> problems = new ArrayList<>();

        void problem(Node node, String what) {
            problems.add(at(node) + what);
        }

        Map<String, Agency> file(Node root) {
            Map<String, Agency> agencies = new LinkedHashMap<>();
            if (!(root instanceof MappingNode m)) {
                problems.add(root == null ? "empty file; expected 'agencies:'" : at(root) + "expected 'agencies:'");
                return agencies;
            }
            Map<String, Node> top = members(m, TOP, Set.of("agencies"), "the file");
            if (!(top.get("agencies") instanceof SequenceNode list)) {
                if (top.containsKey("agencies")) {
                    problem(top.get("agencies"), "agencies: expected a list");
                }
                return agencies;
            }
            for (Node n : list.getValue()) {
                Agency a = agency(n);
                if (a != null && agencies.putIfAbsent(a.id(), a) != null) {
                    problem(n, "agency " + a.id() + ": defined twice");
                }
            }
            return agencies;
        }

        Agency agency(Node node) {
            if (!(node instanceof MappingNode m)) {
                problem(node, "an agency must be a mapping with id, name, kind, businesses");
                return null;
            }
            Map<String, Node> f = members(m, AGENCY, AGENCY, "agency");
            String id = text(f.get("id"), "id");
            if (id != null && !ID.matcher(id).matches()) {
                problem(f.get("id"), "id: 1-32 of a-z, 0-9 and '-', starting with a letter or digit");
                id = null;
            }
            String name = text(f.get("name"), "name");
            Agency.Kind kind = oneOf(f.get("kind"), "kind", Agency.Kind.class);
            Map<String, Business> businesses = new LinkedHashMap<>();
            if (f.get("businesses") instanceof SequenceNode list) {
                if (list.getValue().isEmpty()) {
                    problem(list, "businesses: at least one");
                }
                for (Node b : list.getValue()) {
                    Business business = business(b, id);
                    if (business != null && businesses.putIfAbsent(business.code(), business) != null) {
                        problem(b, "business " + business.code() + ": defined twice for this agency");
                    }
                }
            } else if (f.containsKey("businesses")) {
                problem(f.get("businesses"), "businesses: expected a list");
            }
            return id == null || name == null || kind == null ? null : new Agency(id, name, kind, Map.copyOf(businesses));
        }

        Business business(Node node, String agency) {
            if (!(node instanceof MappingNode m)) {
                problem(node, "a business must be a mapping with code, name, legalBasis, keyTypes, items, myNumber");
                return null;
            }
            Map<String, Node> f = members(m, BUSINESS, BUSINESS, "business");
            String code = text(f.get("code"), "code");
            if (code != null && !BUSINESS_CODE.matcher(code).matches()) {
                problem(f.get("code"), "code: 1-32 of A-Z, 0-9, '_' and '-'");
                code = null;
            }
            String name = text(f.get("name"), "name");
            String basis = text(f.get("legalBasis"), "legalBasis");
            Set<Business.KeyType> keys = EnumSet.noneOf(Business.KeyType.class);
            for (Node k : list(f.get("keyTypes"), "keyTypes")) {
                Business.KeyType t = oneOf(k, "keyTypes", Business.KeyType.class);
                if (t != null && !keys.add(t)) {
                    problem(k, "keyTypes: " + t + " twice");
                }
            }
            Set<String> items = new LinkedHashSet<>();
            for (Node i : list(f.get("items"), "items")) {
                String item = text(i, "items");
                if (item != null && !Business.ITEMS.contains(item)) {
                    problem(i, "items: " + item + " is not a result column (" + String.join(", ",
                            Business.ITEMS.stream().sorted().toList()) + ")");
                } else if (item != null && !items.add(item)) {
                    problem(i, "items: " + item + " twice");
                }
            }
            Boolean myNumber = bool(f.get("myNumber"), "myNumber");
            if (myNumber != null && myNumber != items.contains("my_number")) {
                problem(f.get("myNumber"), myNumber ? "myNumber: true but my_number is not among the items"
                        : "my_number is among the items but myNumber is false (番号法 does not allow it)");
            }
            if (myNumber != null && !myNumber && keys.contains(Business.KeyType.MY_NUMBER)) {
                problem(f.get("keyTypes"), "keyTypes: MY_NUMBER needs myNumber: true (番号法)");
            }
            if (code == null || name == null || basis == null || myNumber == null || keys.isEmpty() || items.isEmpty()) {
                return null;
            }
            return new Business(code, name, basis, Set.copyOf(keys), Set.copyOf(items), myNumber);
        }

        /** The members of a mapping; unknown or repeated ones and missing required ones are problems. */
        Map<String, Node> members(MappingNode m, Set<String> allowed, Set<String> required, String what) {
            Map<String, Node> found = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
                if (key == null || !allowed.contains(key)) {
                    problem(t.getKeyNode(), (key == null ? "a key" : key) + ": unknown in " + what + " (allowed: "
                            + String.join(", ", allowed.stream().sorted().toList()) + ")");
                } else if (found.putIfAbsent(key, t.getValueNode()) != null) {
                    problem(t.getKeyNode(), key + ": given twice");
                }
            }
            for (String r : required) {
                if (!found.containsKey(r)) {
                    problem(m, what + ": " + r + " is missing");
                }
            }
            return found;
        }

        String text(Node node, String what) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
                problem(node, what + ": expected a text");
                return null;
            }
            return s.getValue().strip();
        }

        Boolean bool(Node node, String what) {
            String t = text(node, what);
            if (t == null) {
                return null;
            }
            if (!t.equals("true") && !t.equals("false")) {
                problem(node, what + ": expected true or false");
                return null;
            }
            return Boolean.valueOf(t);
        }

        <E extends Enum<E>> E oneOf(Node node, String what, Class<E> type) {
            String t = text(node, what);
            if (t == null) {
                return null;
            }
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(t)) {
                    return e;
                }
            }
            problem(node, what + ": " + t + " is not one of " + String.join(", ",
                    Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()));
            return null;
        }

        List<Node> list(Node node, String what) {
            if (node == null) {
                return List.of();
            }
            if (!(node instanceof SequenceNode s) || s.getValue().isEmpty()) {
                problem(node, what + ": expected a non-empty list");
                return List.of();
            }
            return s.getValue();
        }
    }
}
