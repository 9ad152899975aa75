package jp.tokyo.juki.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One audited exchange. It carries no personal data: persons appear as keyed hashes and the
 * detail names items and rules only.
 *
 * @param line      "cs" or "national" (later: "agency", "operator")
 * @param direction "in" (a peer's request to us) or "out" (our request to a peer)
 * @param peer      the peer's certificate identity, or what is known of it
 * @param persons   keyed hashes of the 住民票コード concerned
 */
public record AuditEvent(UUID eventId, Instant at, String line, String direction, String peer, String type,
                         String messageId, String sender, String status, String code, String detail,
                         List<String> persons) {

    /**
     * A new event now, the persons turned into their keyed hashes (the plain codes go no further);
     * {@code hasher} may be null for an event that concerns nobody.
     */
    public static AuditEvent of(PersonHasher hasher, String line, String direction, String peer, String type,
                                String messageId, String sender, String status, String code, String detail,
                                List<String> juminhyoCodes) {
        List<String> persons = juminhyoCodes.isEmpty() ? List.of() : juminhyoCodes.stream().map(hasher::hash).toList();
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        // unique, not secret: a time-seeded random id is enough and avoids SecureRandom's lock
        return new AuditEvent(new UUID(r.nextLong(), r.nextLong()), Instant.now(), line, direction, peer, type, messageId,
                sender, status, code, detail, persons);
    }
}
