package jp.tokyo.juki.link;

/**
 * Whether 番号法 (Art. 9 (1)/(2), with the Tokyo ordinance) lets a requester use the My Number
 * for a business. Its one source is config/agencies.yaml ({@code myNumber: true} on the agency's
 * business); the assembly wires it from there.
 */
@FunctionalInterface
public interface MyNumberPermission {
    boolean allows(String business, String requester);
}
