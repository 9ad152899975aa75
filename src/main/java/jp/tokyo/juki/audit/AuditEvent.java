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
}
