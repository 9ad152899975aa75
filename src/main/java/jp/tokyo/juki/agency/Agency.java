package jp.tokyo.juki.agency;

import java.util.Map;

/**
 * An executive organ (provision, 提供) or a department (transfer, 移転) and the businesses (事務)
 * it may ask for.
 *
 * @param id its ID: SFTP account, {@code agency-ID} certificate
 */
public record Agency(String id, String name, Kind kind, Map<String, Business> businesses) {

    /** 提供 to another executive organ, or 移転 to another department of the governor's office. */
    public enum Kind { PROVISION, TRANSFER }

    public String identity() {
        return "agency-" + id;
    }
}
