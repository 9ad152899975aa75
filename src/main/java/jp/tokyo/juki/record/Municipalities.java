package jp.tokyo.juki.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The municipalities this prefecture handles (PROTOCOL §3.4): code → name, read from
 * {@code config/municipalities.csv}. 130001 is the prefecture itself, not a CS.
 */
public final class Municipalities {
    public static final String PREFECTURE_CODE = "130001";

    private final Map<String, String> names;

    public Municipalities(Map<String, String> names) {
        this.names = Collections.unmodifiableMap(new LinkedHashMap<>(names));
    }

    /** Reads {@code code,name} lines; '#' starts a comment. Every code must carry a valid check digit. */
    public static Municipalities load(Path csv) throws IOException {
        Map<String, String> names = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("code,")) {
                continue;
            }
            String[] parts = trimmed.split(",", 2);
            if (parts.length != 2 || !CheckDigits.isValidMunicipalityCode(parts[0].strip())) {
                throw new IOException(csv + ":" + lineNo + ": expected 'code,name' with a valid 6-digit municipality code");
            }
            names.put(parts[0].strip(), parts[1].strip());
        }
        return new Municipalities(names);
    }

    /** A municipality with a CS of its own (every listed code but the prefecture's). */
    public boolean isMunicipality(String code) {
        return names.containsKey(code) && !PREFECTURE_CODE.equals(code);
    }

    public String name(String code) {
        return names.get(code);
    }

    /** The municipalities with a CS, in list order. */
    public List<String> municipalityCodes() {
        return names.keySet().stream().filter(c -> !PREFECTURE_CODE.equals(c)).toList();
    }
}
