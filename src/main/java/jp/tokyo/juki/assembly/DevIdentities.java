package jp.tokyo.juki.assembly;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.Identities;

/** Who the development PKI issues certificates to: the gateway's own peers and every configured agency. */
public final class DevIdentities {
    private DevIdentities() {
    }

    /**
     * Every identity of the development PKI: the fixed ones, one CS per municipality, and one
     * {@code agency-ID} per agency of {@code agencies} (if the file exists; an invalid file is an error).
     */
    public static List<String> of(Municipalities tokyo, Path agencies) throws Exception {
        List<String> ids = new ArrayList<>(Identities.all(tokyo.municipalityCodes()));
        if (Files.exists(agencies)) {
            ids.addAll(AgencyDirectory.load(agencies).identities());
        }
        return ids;
    }
}
