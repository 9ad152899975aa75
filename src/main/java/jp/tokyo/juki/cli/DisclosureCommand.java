package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway disclosure register|check|list|form}: disclosure requests (開示請求, R-DISC), a
 * manager's, through the operator API ({@code /api/disclosures/*}). {@code form} writes the PDF to
 * a new file readable by its owner only (0600): the gateway keeps no copy.
 */
@Command(name = "disclosure", mixinStandardHelpOptions = true,
        description = "Disclosure requests (開示請求): register, check against the record, print the form, through the operator API.",
        subcommands = {DisclosureCommand.Register.class, DisclosureCommand.Check.class, DisclosureCommand.ListRequests.class,
                DisclosureCommand.Form.class})
public final class DisclosureCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a request with the requester's 4 items (prefer --from FILE: names stay out of the shell history).")
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Option(names = "--from", paramLabel = "FILE", description = "A JSON file with the fields below (nameKana, nameKanji, …).")
        Path from;
        @Option(names = "--store", description = "HONNIN (本人確認情報) or FUHYO (附票本人確認情報); default ${DEFAULT-VALUE}.",
                defaultValue = "HONNIN")
        String store;
        @Option(names = "--kana", description = "Name in kana.")
        String kana;
        @Option(names = "--kanji", description = "Name in kanji.")
        String kanji;
        @Option(names = "--birth", paramLabel = "YYYY-MM-DD", description = "Birth date.")
        String birth;
        @Option(names = "--sex", description = "1 or 2.")
        String sex;
        @Option(names = "--address", description = "The address as recorded.")
        String address;
        @Option(names = "--code", description = "The 住民票コード the requester states (optional).")
        String code;
        @Option(names = "--identity", description = "How identity was checked: MY_NUMBER_CARD, DRIVERS_LICENSE, PASSPORT, "
                + "RESIDENCE_CARD, TWO_DOCUMENTS, PROXY.")
        String identity;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                ObjectNode body = ApiClient.body();
                if (from != null) {
                    JsonNode file = JSON.readTree(from.toFile());
                    for (Iterator<Map.Entry<String, JsonNode>> it = file.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> f = it.next();
                        body.set(f.getKey(), f.getValue());
                    }
                }
                put(body, "store", store);
                put(body, "nameKana", kana);
                put(body, "nameKanji", kanji);
                put(body, "birthDate", birth);
                put(body, "sex", sex);
                put(body, "address", address);
                put(body, "juminhyoCode", code);
                put(body, "identityDocument", identity);
                JsonNode r = api.post("/api/disclosures/register", body);
                out.printf("%s registered (%s); check it with: disclosure check %s%n", r.path("number").asText(),
                        r.path("store").asText(), r.path("number").asText());
                return 0;
            });
        }

        private static void put(ObjectNode body, String name, String value) {
            if (value != null && !(body.has(name) && "store".equals(name))) {
                body.put(name, value);
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Check a request against the record (4 items 突合).")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "REQUEST", description = "The request's number (K-2026-000001).")
        String request;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode r = api.post("/api/disclosures/check", ApiClient.body().put("request", request));
                out.printf("%s %s%s%n", r.path("number").asText(), r.path("status").asText(),
                        "MATCHED".equals(r.path("status").asText()) ? "; print the form with: disclosure form "
                                + r.path("number").asText() + " --out FILE" : "; no form");
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The latest requests (no requester's item).")
    static final class ListRequests implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode list = api.post("/api/disclosures/list", ApiClient.body()).path("requests");
                out.printf("%d request(s)%n", list.size());
                for (JsonNode r : list) {
                    out.printf("  %s  %-6s  %-9s  %-15s  registered by %s at %s%n", r.path("number").asText(),
                            r.path("store").asText(), r.path("status").asText(), r.path("identityDocument").asText(),
                            r.path("registeredBy").asText(), r.path("registeredAt").asText());
                }
                return 0;
            });
        }
    }

    @Command(name = "form", mixinStandardHelpOptions = true,
            description = "Print the form of a MATCHED request into a new file (0600); registered in the form register.")
    static final class Form implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "REQUEST", description = "The request's number.")
        String request;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the PDF (must not exist).")
        Path file;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                if (Files.exists(file)) {
                    spec.commandLine().getErr().printf("%s exists: choose a new file%n", file);
                    return 1;
                }
                JsonNode r = api.post("/api/disclosures/form", ApiClient.body().put("request", request));
                byte[] pdf = Base64.getDecoder().decode(r.path("pdf").asText());
                try (OutputStream o = Files.newOutputStream(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))), StandardOpenOption.WRITE)) {
                    o.write(pdf);
                }
                out.printf("form %s (%d pages) for %s written to %s; record its hand-over with: forms handed-over %s%n",
                        r.path("form").asText(), r.path("pages").asInt(), r.path("request").asText(), file, r.path("form").asText());
                for (JsonNode m : r.path("missingArchives")) {
                    out.printf("  note: audit export %s is not in the export directory; the form lacks what it holds%n", m.asText());
                }
                return 0;
            });
        }
    }
}
