package jp.tokyo.juki.honnin;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import jp.tokyo.juki.cs.Refusals;
import jp.tokyo.juki.platform.ExchangeKeys;
import jp.tokyo.juki.platform.GroupCommit;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The {@code HONNIN_UPDATE} step of the CS route: checks the body's items, hands the update to
 * the group commit and answers once its transaction has committed (or refused it).
 */
public final class HonninUpdates implements Processor {
    private final HonninUpdateReader reader;
    private final GroupCommit<HonninUpdateService.Command> groupCommit;

    public HonninUpdates(HonninUpdateReader reader, GroupCommit<HonninUpdateService.Command> groupCommit) {
        this.reader = reader;
        this.groupCommit = groupCommit;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getIn().setBody(apply(exchange));
    }

    private Reply apply(Exchange exchange) {
        Request request = exchange.getProperty(ExchangeKeys.REQUEST, Request.class);
        HonninUpdate update;
        try {
            update = reader.read(request.body(), request.sender(), LocalDate.now(HonninUpdateService.JST));
        } catch (Violation v) {
            return Reply.nack(request.id(), Refusals.codeOf(v), v.detail());
        }
        List<String> persons = new ArrayList<>(List.of(update.record().juminhyoCode()));
        if (update.formerJuminhyoCode() != null) {
            persons.add(update.formerJuminhyoCode());
        }
        exchange.setProperty(ExchangeKeys.PERSONS, persons);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        try {
            groupCommit.submit(new HonninUpdateService.Command(request, update, reply));
            // the service always answers: committed, refused, or E503 with nothing applied
            return reply.get();
        } catch (IllegalStateException e) {
            return Reply.nack(request.id(), ReplyCode.E503, "gateway is stopping; nothing was applied");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.nack(request.id(), ReplyCode.E503, "interrupted; nothing was applied");
        } catch (ExecutionException e) {
            return Reply.nack(request.id(), ReplyCode.E503, "store unavailable; nothing was applied");
        }
    }
}
