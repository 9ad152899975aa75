package jp.tokyo.juki.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.wire.Request;

/**
 * The body of a national notice ({@code HONNIN_NOTICE}, {@code FUHYO_NOTICE}; PROTOCOL §3), in
 * the order both have: the origin (the CS update it comes from), then the store's items of the
 * person ({@code record.RecordJson}), and last the reason and the change date.
 */
public final class NoticeBody {
    private final ObjectNode body = JsonNodeFactory.instance.objectNode();

    private NoticeBody(Request origin) {
        ObjectNode o = body.putObject("origin");
        o.put("sender", origin.sender());
        o.put("id", origin.id());
    }

    /** A notice of the update {@code origin} asked for. */
    public static NoticeBody of(Request origin) {
        return new NoticeBody(origin);
    }

    /** The body so far, for the store's items of the person. */
    public ObjectNode items() {
        return body;
    }

    /** Ends the notice with 異動事由 and 異動年月日 and returns its JSON. */
    public String end(Reason reason, LocalDate changeDate) {
        body.put("reason", reason.name());
        body.put("changeDate", changeDate.toString());
        return body.toString();
    }
}
