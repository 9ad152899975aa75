package jp.tokyo.juki.operator;

import java.time.Instant;
import java.util.Set;

/** PLACEHOLDER (replaced by h12-operator): a live session. */
public record Authenticated(String operatorId, String displayName, Set<Role> roles, String terminal, String csrfToken,
                            Instant createdAt) {
}
