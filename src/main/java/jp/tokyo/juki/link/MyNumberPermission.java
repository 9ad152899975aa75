package jp.tokyo.juki.link;

import java.util.Set;

/**
 * Whether 番号法 (Art. 9 (1)/(2), with the Tokyo ordinance) lets a requester use the My Number
 * for a business. The agency authorisations (config/agencies.yaml) will supply it; until then
 * {@link #forBusinesses} reads {@code juki.link.businesses}.
 */
@FunctionalInterface
public interface MyNumberPermission {
    boolean allows(String business, String requester);

    /** Allowed for exactly these businesses, whoever the requester. */
    static MyNumberPermission forBusinesses(Set<String> businesses) {
        Set<String> allowed = Set.copyOf(businesses);
        return (business, requester) -> allowed.contains(business);
    }
}
