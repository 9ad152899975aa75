package jp.tokyo.juki.national;

import java.util.List;
import jp.tokyo.juki.audit.AuditTap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a notice for the dead-letter queue once its retries are spent: records why (the
 * error class, no data) as message properties an operator can list, and audits it.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private final AuditTap audit;
    private final String line;

    public DeadLetters(AuditTap audit, String line) {
        this.audit = audit;
        this.line = line;
    }

    public void prepare(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = cause == null ? "unknown" : cause.getClass().getSimpleName();
        Integer attempts = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        exchange.getIn().setHeader("jukiDeadLetterError", error);
        exchange.getIn().setHeader("jukiDeadLetterAttempts", attempts == null ? 1 : attempts + 1);
        exchange.getIn().setHeader("jukiDeadLetterAt", System.currentTimeMillis());
        String origin = exchange.getIn().getHeader(OutboxRelay.ORIGIN_SENDER, String.class) + "/"
                + exchange.getIn().getHeader(OutboxRelay.ORIGIN_ID, String.class);
        LOG.error("{} notice of origin {} dead-lettered after {} attempt(s): {}", line, origin,
                attempts == null ? 1 : attempts + 1, error);
        audit.record(line, "out", null, "DEAD_LETTER", exchange.getProperty("jukiNoticeId", String.class),
                exchange.getIn().getHeader(OutboxRelay.ORIGIN_SENDER, String.class), "DEAD_LETTER", "E503", error,
                List.of());
    }
}
