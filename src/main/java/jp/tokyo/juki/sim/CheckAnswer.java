package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the gateway answered to the consistency simulator's check, gathered over all parts, and
 * its comparison with the {@link PlantedDrift}'s expected result.
 */
final class CheckAnswer {
    long sent;
    int parts;
    Duration elapsed = Duration.ZERO;
    long matched = -1;
    final Map<String, List<String>> differing = new TreeMap<>();
    final List<String> missingInStore = new ArrayList<>();
    final List<String> missingAtCs = new ArrayList<>();

    void add(JsonNode body, List<String> problems) {
        matched = body.path("matched").asLong(-1);
        for (JsonNode d : body.path("differing")) {
            List<String> items = new ArrayList<>();
            d.path("items").forEach(n -> items.add(n.asText()));
            Collections.sort(items);
            if (differing.put(d.path("juminhyoCode").asText(), items) != null) {
                problems.add("a differing person named twice");
            }
        }
        body.path("missingInStore").forEach(n -> missingInStore.add(n.asText()));
        body.path("missingAtCs").forEach(n -> missingAtCs.add(n.asText()));
    }

    ConsistencySimulator.Counts compareWith(ConsistencySimulator.Expected e, List<String> problems) {
        Collections.sort(missingInStore);
        Collections.sort(missingAtCs);
        if (matched != e.matched()) {
            problems.add("matched " + matched + ", expected " + e.matched());
        }
        if (!differing.equals(e.differing())) {
            long wrong = e.differing().entrySet().stream()
                    .filter(x -> !x.getValue().equals(differing.get(x.getKey()))).count();
            long unexpected = differing.keySet().stream().filter(k -> !e.differing().containsKey(k)).count();
            problems.add("differing: " + wrong + " expected persons missing or with other items, " + unexpected
                    + " persons not expected");
        }
        if (!missingInStore.equals(e.missingInStore())) {
            problems.add("missingInStore: " + missingInStore.size() + " named, " + e.missingInStore().size()
                    + " expected, not the same");
        }
        if (!missingAtCs.equals(e.missingAtCs())) {
            problems.add("missingAtCs: " + missingAtCs.size() + " named, " + e.missingAtCs().size()
                    + " expected, not the same");
        }
        return new ConsistencySimulator.Counts(matched, differing.size(), missingInStore.size(), missingAtCs.size());
    }
}
