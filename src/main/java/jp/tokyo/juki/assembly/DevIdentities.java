package jp.tokyo.juki.assembly;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.operator.Operator;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.Identities;

/**
 * Who the development PKI issues certificates to: the gateway's own peers and every configured
 * agency; operators ({@code op-ID}) one at a time, on request ({@code pki issue-operator}).
 */
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

    /**
     * The identity of operator {@code id}: {@code op-<ID>}.
     *
     * @throws IllegalArgumentException {@code id} is not an operator ID of the register
     */
    public static String operator(String id) {
        if (id == null || !Operator.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("an operator ID has 3 to 32 of a-z, 0-9, '.', '-', '_' and begins with a "
                    + "letter or digit");
        }
        return Identities.operator(id);
    }
}
