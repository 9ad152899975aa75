package jp.tokyo.juki.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.TextMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of a national queue ({@code juki.national.<store>}), both ends of them: the outbox relay writes a page
 * of notices as one message, the national delivery and the dead-letter tools read it back (decision 35). A page is a
 * BytesMessage whose body is a JSON array of {@link Notice}s in outbox order (UTF-8, at most {@link Jms#MESSAGE_BYTES}
 * unless one notice alone is larger) and whose property {@link #NOTICES} says how many it holds. One message per page
 * instead of per notice: one send, one journal record, one delivery and one acknowledgement per page.
 *
 * <p>A single notice is a TextMessage (its body the notice, its person {@code JMSXGroupID}, and {@link #OUTBOX_ID},
 * {@link #ORIGIN_SENDER}, {@link #ORIGIN_ID}): how a dead letter is kept, one per notice, and how a replayed one
 * goes back to the queue; queues written before pages may hold them too. {@link #read} takes either.
 */
public final class NoticePage {
    /** On a page: how many notices its body holds. */
    public static final String NOTICES = "jukiNotices";
    public static final String OUTBOX_ID = "jukiOutboxId";
    public static final String ORIGIN_SENDER = "jukiOriginSender";
    public static final String ORIGIN_ID = "jukiOriginId";
    /** On a single notice: the person's keyed hash (a message group). */
    public static final String PERSON = "JMSXGroupID";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NoticePage() {
    }

    /**
     * One notice as it waits for the national server.
     *
     * @param outboxId     its row in the store's outbox (also its envelope id's number on the line)
     * @param person       the keyed hash of the person it concerns
     * @param originSender the CS that sent the update it comes from
     * @param originId     that update's request id
     * @param body         the notice's JSON body, as the store committed it
     */
    public record Notice(long outboxId, String person, String originSender, String originId, String body) {
    }

    /** A page's body and what the relay needs to send it: how many notices, the first and the last outbox id. */
    public record Page(byte[] body, int count, long firstId, long lastId) {
    }

    /**
     * Notices (in outbox order) as pages of at most {@code perPage} notices and {@link Jms#MESSAGE_BYTES} each.
     */
    public static List<Page> pages(List<Notice> notices, int perPage) {
        List<Page> out = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream(Jms.MESSAGE_BYTES + 1024);
        int count = 0;
        long first = 0;
        long last = 0;
        for (Notice n : notices) {
            byte[] json = json(n);
            if (count > 0 && (count == perPage || body.size() + json.length + 2 > Jms.MESSAGE_BYTES)) {
                body.write(']');
                out.add(new Page(body.toByteArray(), count, first, last));
                body.reset();
                count = 0;
            }
            if (count == 0) {
                first = n.outboxId();
            }
            body.write(count == 0 ? '[' : ',');
            body.writeBytes(json);
            last = n.outboxId();
            count++;
        }
        if (count > 0) {
            body.write(']');
            out.add(new Page(body.toByteArray(), count, first, last));
        }
        return out;
    }

    /**
     * The broker's duplicate-detection id of a page from {@code table}: its first and last outbox id and its count.
     * A page cut again from the same rows (after a broker commit whose outcome was unknown) has the same id and is
     * dropped by the broker. Rows between the first and the last that were not yet committed when a page was first
     * cut (two writers commit out of id order) make the page cut again larger, so its id differs and it is sent:
     * its repeats are dropped by origin at the national server, and the late row is not lost.
     */
    public static String duplicateId(String table, Page page) {
        return table + ":" + page.firstId() + "-" + page.lastId() + ":" + page.count();
    }

    /** Whether a national queue's message is a page (else a single notice). */
    public static boolean isPage(Message m) throws JMSException {
        return m.propertyExists(NOTICES);
    }

    /**
     * The notices of a national queue's message: a page's, or the single notice's.
     *
     * @throws IOException when it is neither (no personal data in the message: only what is wrong)
     */
    public static List<Notice> read(Message m) throws JMSException, IOException {
        try {
            return readAs(m);
        } catch (MessageFormatException | RuntimeException e) {
            // a property of the wrong type (NumberFormatException, MessageFormatException): not one of ours
            throw new IOException("a message whose properties are not a notice's or a page's ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static List<Notice> readAs(Message m) throws JMSException, IOException {
        if (isPage(m)) {
            if (!(m instanceof BytesMessage b)) {
                throw new IOException("a page of notices that is not a BytesMessage");
            }
            byte[] bytes;
            try {
                bytes = Jms.bytes(b);
            } catch (MessageFormatException e) {
                throw new IOException("a page of notices of " + b.getBodyLength() + " bytes");
            }
            Notice[] notices;
            try {
                notices = MAPPER.readValue(bytes, Notice[].class);
            } catch (IOException e) {
                // not the parser's message: it may quote the page's content
                throw new IOException("a page of notices that is not a JSON array of notices");
            }
            if (notices.length != m.getIntProperty(NOTICES)) {
                throw new IOException("a page of " + notices.length + " notices that says it holds "
                        + m.getIntProperty(NOTICES));
            }
            for (Notice n : notices) {
                if (n == null || n.body() == null || n.originId() == null) {
                    throw new IOException("a page with a notice that lacks its body or origin");
                }
            }
            return List.of(notices);
        }
        if (m instanceof TextMessage t && m.propertyExists(OUTBOX_ID) && t.getText() != null) {
            return List.of(new Notice(m.getLongProperty(OUTBOX_ID), m.getStringProperty(PERSON),
                    m.getStringProperty(ORIGIN_SENDER), m.getStringProperty(ORIGIN_ID), t.getText()));
        }
        throw new IOException("neither a notice nor a page of notices");
    }

    private static byte[] json(Notice n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
