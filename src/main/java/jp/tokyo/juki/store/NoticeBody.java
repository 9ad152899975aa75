package jp.tokyo.juki.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.wire.Request;

/**
 * The body of a national notice ({@code HONNIN_NOTICE}, {@code FUHYO_NOTICE}; PROTOCOL §3), in
 * the order both have: the origin (the CS update it comes from), the 住民票コード, 氏名, 生年月日
 * and 性別, then the store's own items, and last the reason and the change date.
 */
public final class NoticeBody {
    private final ObjectNode body = JsonNodeFactory.instance.objectNode();

    private NoticeBody(Request origin, String juminhyoCode) {
        ObjectNode o = body.putObject("origin");
        o.put("sender", origin.sender());
        o.put("id", origin.id());
        body.put("juminhyoCode", juminhyoCode);
    }

    /** A notice of the update {@code origin} asked for, about the person {@code juminhyoCode}. */
    public static NoticeBody of(Request origin, String juminhyoCode) {
        return new NoticeBody(origin, juminhyoCode);
    }

    /** 氏名 (kanji and kana), 生年月日, 性別. */
    public NoticeBody person(String kanji, String kana, String birthDate, String sex) {
        body.putObject("name").put("kanji", kanji).put("kana", kana);
        return born(birthDate, sex);
    }

    /** 氏名 with its count of gaiji, 生年月日, 性別. */
    public NoticeBody person(String kanji, String kana, int nameGaijiCount, String birthDate, String sex) {
        body.putObject("name").put("kanji", kanji).put("kana", kana).put("gaijiCount", nameGaijiCount);
        return born(birthDate, sex);
    }

    private NoticeBody born(String birthDate, String sex) {
        body.put("birthDate", birthDate);
        body.put("sex", sex);
        return this;
    }

    /** The body so far, for the store's own items. */
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
