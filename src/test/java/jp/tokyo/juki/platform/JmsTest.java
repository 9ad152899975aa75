package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionOutcomeUnknownException;
import org.junit.jupiter.api.Test;

/** A duplicate refused by the broker is told apart from other failures however the client wraps it. */
class JmsTest {
    @Test
    void aDuplicateRefusalIsFoundAsLinkedExceptionOrCause() {
        JMSException linked = new TransactionRolledBackException("rolled back");
        linked.setLinkedException(new ActiveMQDuplicateIdException());
        JMSException caused = new JMSException("send failed");
        caused.initCause(new ActiveMQDuplicateIdException());
        assertThat(Jms.isDuplicateRejected(linked)).isTrue();
        assertThat(Jms.isDuplicateRejected(caused)).isTrue();
    }

    @Test
    void anUnknownCommitOutcomeIsNoDuplicateRefusal() {
        JMSException unknown = new JMSException("AMQ219031");
        unknown.setLinkedException(new ActiveMQTransactionOutcomeUnknownException());
        assertThat(Jms.isDuplicateRejected(unknown)).isFalse();
        assertThat(Jms.isDuplicateRejected(new JMSException("closed"))).isFalse();
    }
}
