package jp.tokyo.juki.audit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A line's audit step that lets the exchange go on (to its reply) only once the records it tapped are
 * committed on the broker ({@link AuditTap#accepted}), without holding a thread: with it, a node killed -9
 * loses no audit record of a request it answered (issue 14, {@code juki.audit.reply-after-broker}). The
 * wait is bounded by {@code juki.audit.max-lag-seconds}: past it (the broker out that long) the reply goes
 * all the same, and the audit lag rule (readiness DOWN, updates E503) takes over.
 */
public final class AuditAccepted extends AsyncProcessorSupport {
    private static final Logger LOG = LoggerFactory.getLogger(AuditAccepted.class);

    private final Processor tapStep;
    private final AuditTap tap;
    private final Duration atMost;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param tapStep the step that taps the exchange's records (on the calling thread, before the wait) */
    public AuditAccepted(Processor tapStep, AuditTap tap, Duration atMost) {
        this.tapStep = tapStep;
        this.tap = tap;
        this.atMost = atMost;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            tapStep.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        tap.accepted().orTimeout(atMost.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e instanceof TimeoutException && warned.compareAndSet(false, true)) {
                LOG.warn("audit records not on the broker within {} s: replies go without waiting for them", atMost.toSeconds());
            } else if (e == null) {
                warned.set(false);
            }
            callback.done(false);
        });
        return false;
    }
}
