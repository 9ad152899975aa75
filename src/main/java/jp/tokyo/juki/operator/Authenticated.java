package jp.tokyo.juki.operator;

import java.time.Instant;
import java.util.Set;

/**
 * An operator's live session, as a request of the operator API sees it: who (with the roles the
 * register gives them now, read afresh at each {@link Sessions#resolve}, so a withdrawn role or a
 * revocation takes effect at the next request), from which terminal, the session's CSRF token and
 * when it began.
 *
 * @param csrfToken the synchronizer token a changing request must carry (header or form field)
 * @param session   a reference to the session for the audit ({@code s-} and 16 hex digits of the token's
 *                  hash): links a login to its requests and its end, gives the token away no more than the table does
 */
public record Authenticated(String operatorId, String displayName, Set<Role> roles, String terminal, String csrfToken,
                            Instant createdAt, String session) implements Sessions.Resolution {
    public Authenticated {
        roles = Set.copyOf(roles);
    }

    /** Whether one of the session's roles allows {@code p}. */
    public boolean may(Permission p) {
        return p.allows(roles);
    }
}
