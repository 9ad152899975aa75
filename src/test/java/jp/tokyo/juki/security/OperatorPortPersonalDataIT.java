package jp.tokyo.juki.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Api;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * R-SEC-PII on the operator port (issue 12): plant a name, a kana name, a My Number and a 住民票コード
 * and send them where an operator or an attacker would — the bodies of national queries and of a
 * person's audit history, a malformed body, a wrong password, URL paths that no route serves, a
 * console form — and find none of them in anything the gateway logged (its access log included), in
 * any refusal, or in the audit's detail, peer or code. The answers that are meant to show personal
 * data (the person's own records to a searcher) are not searched.
 */
class OperatorPortPersonalDataIT {
    private static final String NAME = "漏洩検査 操作花子";
    private static final String KANA = "ロウエイケンサ ソウサハナコ";

    @Test
    void plantedPersonalDataAppearsInNoLogNoRefusalAndNoAuditDetail() throws Exception {
        String marker = "operator-port-no-pii-" + UUID.randomUUID();
        LoggerFactory.getLogger(OperatorPortPersonalDataIT.class).info(marker);
        String code = Messages.newJuminhyoCode();
        String myNumber = Messages.newMyNumber();
        List<Reply> refusals = new ArrayList<>();
        try (OperatorDesk desk = OperatorDesk.start(true, Map.of())) {
            desk.issue("pii-searcher", Role.SEARCHER).issue("pii-auditor", Role.AUDITOR).issue("pii-manager", Role.MANAGER);
            Api searcher = desk.login("pii-searcher");
            ObjectNode four = OperatorDesk.body();
            four.putObject("key").putObject("fourInfo").put("nameKana", KANA).put("nameKanji", NAME)
                    .put("birthDate", "1980-04-01").put("sex", "2");
            four.put("reason", "漏洩検査");
            searcher.post("/api/national/query", four);
            ObjectNode byNumber = OperatorDesk.body();
            byNumber.putObject("key").put("myNumber", myNumber);
            byNumber.put("reason", "漏洩検査");
            searcher.post("/api/national/query", byNumber);
            ObjectNode byCode = OperatorDesk.body();
            byCode.putObject("key").put("juminhyoCode", code);
            byCode.put("reason", "漏洩検査");
            searcher.post("/api/national/query", byCode);
            // a manager may not query: the refusal must not quote the body
            refusals.add(desk.login("pii-manager").post("/api/national/query", byNumber));
            // a body that is not JSON, carrying the name
            refusals.add(searcher.post("/api/national/query", "{\"key\": \"" + NAME + "\" " + myNumber, "application/json",
                    Map.of()));
            // a wrong password that is personal data
            refusals.add(desk.as("pii-auditor").login(NAME + myNumber, OperatorDesk.TERMINAL));
            // paths no route serves, carrying the number and the name (each on a connection of its own: the
            // server may close one after its 404, and a pooled POST is not retried)
            refusals.add(desk.login("pii-searcher").post("/api/national/query/" + myNumber, "{}", "application/json",
                    Map.of()));
            refusals.add(desk.login("pii-searcher").post("/console/" + URLEncoder.encode(NAME, StandardCharsets.UTF_8)
                    + "?q=" + code, "", "application/x-www-form-urlencoded", Map.of()));
            // a person's audit history: the code goes in the body
            Api auditor = desk.login("pii-auditor");
            ObjectNode history = OperatorDesk.body().put("juminhyoCode", code).put("reason", "開示請求の確認");
            Reply h = auditor.post("/api/audit/person", history);
            assertThat(h.status()).as("the auditor's history query").isEqualTo(200);
            refusals.add(searcher.post("/api/audit/person", history));

            String audit = desk.gw.queryString("SELECT string_agg(coalesce(peer, '') || '|' || coalesce(code, '') || '|' "
                    + "|| coalesce(detail, '') || '|' || coalesce(operator_id, '') || '|' || coalesce(terminal_id, ''), E'\\n') "
                    + "FROM audit.record");
            assertThat(audit).contains("pii-searcher")
                    .doesNotContain(code, myNumber, NAME, KANA, "漏洩検査 操作");
        }
        for (Reply r : refusals) {
            assertThat(r.status()).as("refused: " + r.body()).isBetween(400, 499);
            assertThat(r.body()).doesNotContain(code, myNumber, NAME, KANA);
            assertThat(r.headers().map().toString()).doesNotContain(code, myNumber, KANA);
        }
        String log = Files.readString(Path.of("target/test-logs/tests.log"), StandardCharsets.UTF_8);
        assertThat(log).contains(marker).contains("jp.tokyo.juki.api.access");
        assertThat(log).doesNotContain(code).doesNotContain(myNumber).doesNotContain(NAME).doesNotContain(KANA)
                .doesNotContain(URLEncoder.encode(NAME, StandardCharsets.UTF_8));
    }
}
