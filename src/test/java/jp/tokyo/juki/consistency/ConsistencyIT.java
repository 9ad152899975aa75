package jp.tokyo.juki.consistency;

import static jp.tokyo.juki.testkit.ConsistencyMessages.begin;
import static jp.tokyo.juki.testkit.ConsistencyMessages.chunk;
import static jp.tokyo.juki.testkit.ConsistencyMessages.end;
import static jp.tokyo.juki.testkit.ConsistencyMessages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consistency check (整合, R-CONS) end to end over real mutual TLS against a gateway with
 * its embedded PostgreSQL: what a CS sees for a clean and a drifted set, a result in parts,
 * the session errors, refused records, the limits and the expiry of an abandoned session.
 * Each test checks its own municipality, so the stores' contents do not depend on test order.
 */
class ConsistencyIT {
    private static final String TAITO = "131067";
    private static final String SUMIDA = "131075";
    private static final String KOTO = "131083";
    private static final String SHINAGAWA = "131091";
    private static final String MEGURO = "131105";
    private static final String OTA = "131113";
    private static final String SETAGAYA = "131121";
    private static final String SHIBUYA = "131130";
    private static final String NAKANO = "131148";
    /** small parts, so a result of a few hundred entries needs several */
    private static final int PART_BYTES = 4096;
    private static final int IDLE_SECONDS = 3;

    private static RunningGateway gw;

    @BeforeAll
    static void start() throws Exception {
        new DevPki(TestPki.dir(), TestPki.PASSWORD).init(List.of(TAITO, SUMIDA, KOTO, SHINAGAWA, MEGURO, OTA, SETAGAYA,
                SHIBUYA, NAKANO).stream().map(Identities::cs).toList());
        gw = RunningGateway.start(false, Map.of(
                "juki.consistency.part-bytes", Integer.toString(PART_BYTES),
                "juki.consistency.idle-timeout-s", Integer.toString(IDLE_SECONDS),
                "juki.consistency.sweep-ms", "500"));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    // ------------------------------------------------------------------ behaviour

    @Test
    void cleanCheckOfTheStoredResidentsMatchesEveryone() throws Exception {
        try (FrameClient cs = gw.connect(TAITO)) {
            List<ObjectNode> residents = people(TAITO, 25);
            load(cs, TAITO, residents);

            Result r = check(cs, TAITO, "HONNIN", residents, 10);

            assertThat(r.matched).isEqualTo(25);
            assertThat(r.differing).isEmpty();
            assertThat(r.missingInStore).isEmpty();
            assertThat(r.missingAtCs).isEmpty();
            assertThat(r.parts).isEqualTo(1);
            assertThat(r.first.body().has("part")).as("no part members for a one-part result").isFalse();
        }
    }

    @Test
    void driftedCheckNamesExactlyTheDifferingPersonsTheirItemsAndTheMissingOnBothSides() throws Exception {
        try (FrameClient cs = gw.connect(SUMIDA)) {
            List<ObjectNode> stored = people(SUMIDA, 20);
            load(cs, SUMIDA, stored);
            ObjectNode movedOut = Messages.person(SUMIDA);
            load(cs, SUMIDA, List.of(movedOut));
            assertThat(cs.send(Messages.update(SUMIDA, "MOVE_OUT", movedOut)).get(20, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.ACK);

            List<ObjectNode> sent = new ArrayList<>();
            Map<String, List<String>> differing = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                ObjectNode r = stored.get(i).deepCopy();
                String code = r.get("juminhyoCode").asText();
                switch (i) {
                    case 3 -> {
                        r.with("address").put("text", "東京都墨田区押上１丁目１番２号");
                        differing.put(code, List.of("address"));
                    }
                    case 5 -> {
                        r.with("name").put("kanji", "山田 次郎");
                        r.put("myNumber", Messages.newMyNumber());
                        differing.put(code, List.of("name", "myNumber"));
                    }
                    case 8 -> {
                        r.with("name").put("kanji", "{MJ000001}田 太郎").put("gaijiCount", 1);
                        r.put("gaijiFlag", "1");
                        differing.put(code, List.of("name", "gaijiFlag"));
                    }
                    case 9 -> {
                        ObjectNode former = r.putObject("formerSurname");
                        former.put("kanji", "佐藤").put("kana", "サトウ").put("gaijiCount", 0).put("gaijiChangeSeq", 0);
                        differing.put(code, List.of("formerSurname"));
                    }
                    case 11 -> {
                        r.put("birthDate", "1980-04-02");
                        r.put("sex", "2");
                        r.put("retentionFlag", "1");
                        differing.put(code, List.of("birthDate", "sex", "retentionFlag"));
                    }
                    default -> {
                    }
                }
                if (i < 14 || i > 16) {
                    sent.add(r);
                }
            }
            List<String> missingAtCs = codes(stored.subList(14, 17));
            List<ObjectNode> extra = people(SUMIDA, 2);
            sent.addAll(extra);

            Result r = check(cs, SUMIDA, "HONNIN", sent, 7);

            assertThat(r.matched).isEqualTo(20 - 5 - 3);
            assertThat(r.differing).isEqualTo(differing);
            assertThat(r.missingInStore).isEqualTo(sorted(codes(extra)));
            assertThat(r.missingAtCs).as("deleted persons are not current, so not missing at the CS")
                    .isEqualTo(sorted(missingAtCs));
        }
    }

    @Test
    void resultLargerThanOnePartArrivesInNumberedPartsEachWithinThePartSize() throws Exception {
        try (FrameClient cs = gw.connect(KOTO)) {
            List<ObjectNode> stored = people(KOTO, 30);
            load(cs, KOTO, stored);
            List<ObjectNode> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ObjectNode r = stored.get(i).deepCopy();
                if (i % 2 == 0) {
                    r.with("address").put("text", "東京都江東区豊洲９丁目９番９号");
                }
                sent.add(r);
            }
            List<ObjectNode> extra = people(KOTO, 500);
            sent.addAll(extra);
            String session = "parts-" + System.nanoTime();
            sendSet(cs, KOTO, "HONNIN", session, sent, 50);

            Reply first = cs.send(end(KOTO, session, null)).get(60, TimeUnit.SECONDS);
            assertThat(first.status()).isEqualTo(Status.ACK);
            int parts = first.body().get("parts").asInt();
            assertThat(first.body().get("part").asInt()).isZero();
            assertThat(parts).as("15 differing and 500 missing entries do not fit one 4 KiB part").isGreaterThanOrEqualTo(3);
            List<Reply> replies = new ArrayList<>(List.of(first));
            for (int p = 1; p < parts; p++) {
                Reply part = cs.send(end(KOTO, session, p)).get(20, TimeUnit.SECONDS);
                assertThat(part.status()).isEqualTo(Status.ACK);
                assertThat(part.body().get("part").asInt()).isEqualTo(p);
                assertThat(part.body().get("parts").asInt()).isEqualTo(parts);
                assertThat(part.body().get("matched").asLong()).isEqualTo(15);
                replies.add(part);
            }
            for (Reply reply : replies) {
                assertThat(reply.toBytes().length).isLessThanOrEqualTo(PART_BYTES);
            }
            Result all = Result.of(replies);
            assertThat(all.matched).isEqualTo(15);
            assertThat(all.differing).hasSize(15).allSatisfy((code, items) -> assertThat(items).containsExactly("address"));
            assertThat(all.missingInStore).isEqualTo(sorted(codes(extra)));
            assertThat(all.missingAtCs).isEmpty();

            Reply afterLast = cs.send(end(KOTO, session, 0)).get(20, TimeUnit.SECONDS);
            assertThat(afterLast.code().name()).as("the session closed once every part was sent").isEqualTo("E150");
        }
    }

    @Test
    void aPartOutOfRangeIsE150AndPartsMayBeReadInAnyOrder() throws Exception {
        try (FrameClient cs = gw.connect(NAKANO)) {
            String session = "any-order";
            sendSet(cs, NAKANO, "HONNIN", session, people(NAKANO, 400), 100);
            Reply first = cs.send(end(NAKANO, session, null)).get(60, TimeUnit.SECONDS);
            int parts = first.body().get("parts").asInt();
            assertThat(parts).isGreaterThan(1);

            Reply beyond = cs.send(end(NAKANO, session, parts)).get(20, TimeUnit.SECONDS);
            assertThat(beyond.code().name()).isEqualTo("E150");
            assertThat(beyond.detail()).contains("part");

            List<Reply> replies = new ArrayList<>(List.of(first));
            for (int p = parts - 1; p >= 1; p--) {
                replies.add(cs.send(end(NAKANO, session, p)).get(20, TimeUnit.SECONDS));
            }
            assertThat(Result.of(replies).missingInStore).hasSize(400);
        }
    }

    @Test
    void unknownSessionIsE150() throws Exception {
        try (FrameClient cs = gw.connect(SHINAGAWA)) {
            Reply records = cs.send(chunk(SHINAGAWA, "never-begun", 0, people(SHINAGAWA, 1))).get(20, TimeUnit.SECONDS);
            Reply end = cs.send(end(SHINAGAWA, "never-begun", null)).get(20, TimeUnit.SECONDS);

            assertThat(records.code().name()).isEqualTo("E150");
            assertThat(end.code().name()).isEqualTo("E150");
            assertThat(records.detail()).contains("body.session");
        }
    }

    @Test
    void outOfOrderChunkIsE150NamingTheExpectedChunkAndIsNotTaken() throws Exception {
        try (FrameClient cs = gw.connect(SHINAGAWA)) {
            List<ObjectNode> set = people(SHINAGAWA, 6);
            String session = "order";
            assertThat(cs.send(begin(SHINAGAWA, "HONNIN", session, 6)).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            assertThat(cs.send(chunk(SHINAGAWA, session, 0, set.subList(0, 3))).get(20, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.ACK);

            Reply skipped = cs.send(chunk(SHINAGAWA, session, 2, set.subList(3, 6))).get(20, TimeUnit.SECONDS);
            Reply repeated = cs.send(chunk(SHINAGAWA, session, 0, set.subList(0, 3))).get(20, TimeUnit.SECONDS);

            assertThat(skipped.code().name()).isEqualTo("E150");
            assertThat(skipped.detail()).contains("expected chunk 1");
            assertThat(repeated.code().name()).isEqualTo("E150");
            Reply next = cs.send(chunk(SHINAGAWA, session, 1, set.subList(3, 6))).get(20, TimeUnit.SECONDS);
            assertThat(next.status()).isEqualTo(Status.ACK);
            assertThat(next.body().get("received").asLong()).isEqualTo(6);
            Result r = Result.of(List.of(cs.send(end(SHINAGAWA, session, null)).get(60, TimeUnit.SECONDS)));
            assertThat(r.missingInStore).hasSize(6);
        }
    }

    @Test
    void endWithFewerRecordsThanAnnouncedIsE150AndClosesTheSession() throws Exception {
        try (FrameClient cs = gw.connect(SHINAGAWA)) {
            String session = "count";
            cs.send(begin(SHINAGAWA, "HONNIN", session, 5)).get(20, TimeUnit.SECONDS);
            cs.send(chunk(SHINAGAWA, session, 0, people(SHINAGAWA, 3))).get(20, TimeUnit.SECONDS);

            Reply end = cs.send(end(SHINAGAWA, session, null)).get(20, TimeUnit.SECONDS);
            Reply more = cs.send(chunk(SHINAGAWA, session, 1, people(SHINAGAWA, 2))).get(20, TimeUnit.SECONDS);

            assertThat(end.code().name()).isEqualTo("E150");
            assertThat(end.detail()).contains("received 3").contains("5");
            assertThat(more.code().name()).as("the session is gone").isEqualTo("E150");
            assertThat(more.detail()).contains("no such session");
        }
    }

    @Test
    void moreRecordsThanAnnouncedAreE150AndAChunkAfterTheResultIsE150() throws Exception {
        try (FrameClient cs = gw.connect(SHINAGAWA)) {
            String session = "too-many";
            cs.send(begin(SHINAGAWA, "HONNIN", session, 2)).get(20, TimeUnit.SECONDS);
            Reply tooMany = cs.send(chunk(SHINAGAWA, session, 0, people(SHINAGAWA, 3))).get(20, TimeUnit.SECONDS);
            assertThat(tooMany.code().name()).isEqualTo("E150");

            String parts = "chunk-after-end";
            sendSet(cs, SHINAGAWA, "HONNIN", parts, people(SHINAGAWA, 400), 200);
            Reply first = cs.send(end(SHINAGAWA, parts, null)).get(60, TimeUnit.SECONDS);
            assertThat(first.body().get("parts").asInt()).isGreaterThan(1);
            Reply late = cs.send(chunk(SHINAGAWA, parts, 2, people(SHINAGAWA, 1))).get(20, TimeUnit.SECONDS);
            assertThat(late.code().name()).isEqualTo("E150");
            assertThat(late.detail()).contains("ended");

            // leave no session open: a CS may hold only two
            cs.send(chunk(SHINAGAWA, session, 0, people(SHINAGAWA, 2))).get(20, TimeUnit.SECONDS);
            assertThat(cs.send(end(SHINAGAWA, session, null)).get(60, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            for (int p = 1; p < first.body().get("parts").asInt(); p++) {
                cs.send(end(SHINAGAWA, parts, p)).get(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aBadRecordIsE110NamingTheRecordAndItemAndTheCorrectedChunkIsTaken() throws Exception {
        try (FrameClient cs = gw.connect(MEGURO)) {
            List<ObjectNode> set = people(MEGURO, 3);
            String session = "bad-record";
            cs.send(begin(MEGURO, "HONNIN", session, 3)).get(20, TimeUnit.SECONDS);
            ObjectNode bad = set.get(1).deepCopy();
            bad.put("birthDate", "1980-13-01");
            ObjectNode unknown = set.get(2).deepCopy();
            unknown.put("bloodType", "A");

            Reply badDate = cs.send(chunk(MEGURO, session, 0, List.of(set.get(0), bad, set.get(2)))).get(20, TimeUnit.SECONDS);
            Reply badItem = cs.send(chunk(MEGURO, session, 0, List.of(set.get(0), set.get(1), unknown))).get(20, TimeUnit.SECONDS);
            ObjectNode wrongDigit = set.get(0).deepCopy();
            String mn = wrongDigit.get("myNumber").asText();
            wrongDigit.put("myNumber", mn.substring(0, 11) + (char) ('0' + (mn.charAt(11) - '0' + 1) % 10));
            Reply badDigit = cs.send(chunk(MEGURO, session, 0, List.of(wrongDigit, set.get(1), set.get(2)))).get(20, TimeUnit.SECONDS);
            Reply twice = cs.send(chunk(MEGURO, session, 0, List.of(set.get(0), set.get(0), set.get(2)))).get(20, TimeUnit.SECONDS);
            Reply corrected = cs.send(chunk(MEGURO, session, 0, set)).get(20, TimeUnit.SECONDS);

            assertThat(badDate.code().name()).isEqualTo("E110");
            assertThat(badDate.detail()).startsWith("body.records[1].birthDate");
            assertThat(badItem.code().name()).isEqualTo("E110");
            assertThat(badItem.detail()).startsWith("body.records[2]: member 9 unknown"); // by position (R-SEC-PII)
            assertThat(badDigit.code().name()).isEqualTo("E120");
            assertThat(badDigit.detail()).startsWith("body.records[0].myNumber");
            assertThat(twice.code().name()).isEqualTo("E110");
            assertThat(twice.detail()).startsWith("body.records[1].juminhyoCode");
            assertThat(corrected.status()).as("a refused chunk was not taken and may be sent again").isEqualTo(Status.ACK);
            assertThat(corrected.body().get("received").asLong()).isEqualTo(3);
            Result r = Result.of(List.of(cs.send(end(MEGURO, session, null)).get(60, TimeUnit.SECONDS)));
            assertThat(r.missingInStore).isEqualTo(sorted(codes(set)));
        }
    }

    @Test
    void aRecordOfAnotherMunicipalityIsRefusedWithE130() throws Exception {
        try (FrameClient cs = gw.connect(MEGURO)) {
            String session = "other-municipality";
            cs.send(begin(MEGURO, "HONNIN", session, 2)).get(20, TimeUnit.SECONDS);

            Reply reply = cs.send(chunk(MEGURO, session, 0, List.of(Messages.person(MEGURO), Messages.person(OTA))))
                    .get(20, TimeUnit.SECONDS);
            Reply otherSender = cs.send(begin(OTA, "HONNIN", "not-mine", 0)).get(20, TimeUnit.SECONDS);

            assertThat(reply.code().name()).isEqualTo("E130");
            assertThat(reply.detail()).isEqualTo("body.records[1].address.municipalityCode: must equal the sender");
            assertThat(otherSender.code().name()).as("a CS can only check its own municipality").isEqualTo("E130");
            cs.send(chunk(MEGURO, session, 0, people(MEGURO, 2))).get(20, TimeUnit.SECONDS);
            cs.send(end(MEGURO, session, null)).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void badSessionMessagesAreE110() throws Exception {
        try (FrameClient cs = gw.connect(MEGURO)) {
            ObjectNode unknownStore = Json.MAPPER.createObjectNode().put("store", "KOSEKI").put("session", "s").put("expected", 1);
            ObjectNode negative = Json.MAPPER.createObjectNode().put("store", "HONNIN").put("session", "s").put("expected", -1);
            ObjectNode extra = Json.MAPPER.createObjectNode().put("store", "HONNIN").put("session", "s").put("expected", 1)
                    .put("municipality", MEGURO);

            assertThat(cs.send(message(MEGURO, "CONSISTENCY_BEGIN", unknownStore)).get(20, TimeUnit.SECONDS).detail())
                    .startsWith("body.store");
            assertThat(cs.send(message(MEGURO, "CONSISTENCY_BEGIN", negative)).get(20, TimeUnit.SECONDS).detail())
                    .startsWith("body.expected");
            Reply unknownItem = cs.send(message(MEGURO, "CONSISTENCY_BEGIN", extra)).get(20, TimeUnit.SECONDS);
            assertThat(unknownItem.code().name()).isEqualTo("E110");
            assertThat(unknownItem.detail()).isEqualTo("body: member 4 unknown (allowed: expected, session, store)");
        }
    }

    @Test
    void anAbandonedSessionExpiresIsAuditedAndDropsItsStagedRecords() throws Exception {
        try (FrameClient cs = gw.connect(OTA)) {
            String session = "abandoned";
            cs.send(begin(OTA, "HONNIN", session, 10)).get(20, TimeUnit.SECONDS);
            cs.send(chunk(OTA, session, 0, people(OTA, 5))).get(20, TimeUnit.SECONDS);
            long id = gw.queryLong("SELECT id FROM consistency.session WHERE sender = ? AND name = ?", OTA, session);
            assertThat(sessionTables(id)).as("its staging and result tables").isEqualTo(2);

            await().atMost(Duration.ofSeconds(IDLE_SECONDS + 10)).until(() ->
                    gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'CONSISTENCY_EXPIRED' AND sender = ?",
                            OTA) == 1);
            Reply late = cs.send(chunk(OTA, session, 1, people(OTA, 5))).get(20, TimeUnit.SECONDS);

            assertThat(late.code().name()).isEqualTo("E150");
            assertThat(sessionTables(id)).as("dropped with the session").isZero();
            assertThat(gw.queryLong("SELECT count(*) FROM consistency.chunk WHERE session_id = ?", id)).isZero();
            Reply again = cs.send(begin(OTA, "HONNIN", session, 0)).get(20, TimeUnit.SECONDS);
            assertThat(again.status()).as("the name is free again").isEqualTo(Status.ACK);
            cs.send(end(OTA, session, null)).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCsMayHoldOnlyTwoSessionsAtOnceTheThirdIsE503() throws Exception {
        try (FrameClient cs = gw.connect(SHIBUYA)) {
            assertThat(cs.send(begin(SHIBUYA, "HONNIN", "one", 0)).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            assertThat(cs.send(begin(SHIBUYA, "FUHYO", "two", 0)).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            Reply sameName = cs.send(begin(SHIBUYA, "HONNIN", "one", 0)).get(20, TimeUnit.SECONDS);
            Reply third = cs.send(begin(SHIBUYA, "HONNIN", "three", 0)).get(20, TimeUnit.SECONDS);

            assertThat(sameName.code().name()).isEqualTo("E150");
            assertThat(third.code().name()).isEqualTo("E503");
            assertThat(cs.send(end(SHIBUYA, "one", null)).get(60, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            assertThat(cs.send(begin(SHIBUYA, "HONNIN", "three", 0)).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            cs.send(end(SHIBUYA, "two", null)).get(60, TimeUnit.SECONDS);
            cs.send(end(SHIBUYA, "three", null)).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void repliesNameCodesAndItemsButNeverValues() throws Exception {
        String name = "整合検査 花子";
        String kana = "セイゴウケンサ ハナコ";
        String address = "東京都目黒区秘密１番１号";
        try (FrameClient cs = gw.connect(MEGURO)) {
            ObjectNode person = Messages.person(MEGURO, Messages.newJuminhyoCode(), Messages.newMyNumber(), name, kana);
            person.with("address").put("text", address);
            load(cs, MEGURO, List.of(person));
            ObjectNode changed = person.deepCopy();
            String newMyNumber = Messages.newMyNumber();
            changed.put("myNumber", newMyNumber);
            changed.with("name").put("kanji", "整合検査 次郎");
            ObjectNode bad = changed.deepCopy();
            bad.with("name").put("kana", name);

            String session = "no-values";
            List<Reply> replies = new ArrayList<>();
            replies.add(cs.send(begin(MEGURO, "HONNIN", session, 1)).get(20, TimeUnit.SECONDS));
            replies.add(cs.send(chunk(MEGURO, session, 0, List.of(bad))).get(20, TimeUnit.SECONDS));
            replies.add(cs.send(chunk(MEGURO, session, 0, List.of(changed))).get(20, TimeUnit.SECONDS));
            replies.add(cs.send(end(MEGURO, session, null)).get(60, TimeUnit.SECONDS));

            assertThat(replies.get(1).code().name()).isEqualTo("E110");
            Result r = Result.of(replies.subList(3, 4));
            assertThat(r.differing).containsKey(person.get("juminhyoCode").asText());
            for (Reply reply : replies) {
                assertThat(new String(reply.toBytes(), StandardCharsets.UTF_8))
                        .doesNotContain(name, kana, "整合検査", address, person.get("myNumber").asText(), newMyNumber);
            }
            // every consistency message is audited, none with a municipality's worth of persons
            String last = replies.get(3).inReplyTo();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = ?", last) == 1);
            assertThat(gw.queryString("SELECT string_agg(status || ' ' || code, ',' ORDER BY at, id) FROM audit.record "
                    + "WHERE msg_id = ANY(?::text[])", "{" + String.join(",", replies.stream().map(Reply::inReplyTo).toList())
                    + "}")).isEqualTo("ACK I000,NACK E110,ACK I000,ACK I000");
            assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type LIKE 'CONSISTENCY%' "
                    + "AND cardinality(persons) > 0")).isZero();
        }
    }

    @Test
    void fuhyoCheckComparesTheAnnexesTheSenderManages() throws Exception {
        try (FrameClient cs = gw.connect(SETAGAYA)) {
            List<ObjectNode> stored = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                stored.add(Messages.fuhyoPerson(SETAGAYA));
            }
            List<CompletableFuture<Reply>> loads = new ArrayList<>();
            for (ObjectNode r : stored) {
                loads.add(cs.send(Messages.fuhyoUpdate(SETAGAYA, "MOVE_IN", r)));
            }
            for (CompletableFuture<Reply> f : loads) {
                assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
            List<ObjectNode> sent = new ArrayList<>();
            Map<String, List<String>> differing = new TreeMap<>();
            for (int i = 0; i < 11; i++) {
                ObjectNode r = stored.get(i).deepCopy();
                String code = r.get("juminhyoCode").asText();
                if (i == 2) {
                    r.with("address").put("text", "国外");
                    r.put("status", "1");
                    differing.put(code, List.of("address", "status"));
                } else if (i == 4) {
                    r.with("lastAddress").put("text", "東京都世田谷区太子堂１番１号");
                    r.put("gaijiPattern", "A1");
                    differing.put(code, List.of("lastAddress", "gaijiPattern"));
                } else if (i == 6) {
                    r.put("noticeKind", "CHANGE");   // says what a notice does: not compared
                } else if (i == 7) {
                    r.remove("gaijiPattern");         // absent and empty both mean "no pattern"
                }
                sent.add(r);
            }
            ObjectNode extra = Messages.fuhyoPerson(SETAGAYA);
            sent.add(extra);

            Result r = check(cs, SETAGAYA, "FUHYO", sent, 5);

            assertThat(r.matched).isEqualTo(9);
            assertThat(r.differing).isEqualTo(differing);
            assertThat(r.missingInStore).containsExactly(extra.get("juminhyoCode").asText());
            assertThat(r.missingAtCs).containsExactly(stored.get(11).get("juminhyoCode").asText());
        }
    }

    // ------------------------------------------------------------------ a CS's side of the protocol

    /** What the CS learnt from all parts of one result. */
    private record Result(long matched, Map<String, List<String>> differing, List<String> missingInStore,
                          List<String> missingAtCs, int parts, Reply first) {
        static Result of(List<Reply> replies) {
            long matched = -1;
            Map<String, List<String>> differing = new TreeMap<>();
            List<String> missingInStore = new ArrayList<>();
            List<String> missingAtCs = new ArrayList<>();
            for (Reply reply : replies) {
                assertThat(reply.status()).as(reply.code() + " " + reply.detail()).isEqualTo(Status.ACK);
                JsonNode body = reply.body();
                List<String> members = new ArrayList<>();
                body.fieldNames().forEachRemaining(members::add);
                assertThat(members).containsAnyOf("matched").isSubsetOf("matched", "differing", "missingInStore",
                        "missingAtCs", "part", "parts");
                matched = body.get("matched").asLong();
                for (JsonNode d : body.get("differing")) {
                    assertThat(d.size()).isEqualTo(2);
                    List<String> items = new ArrayList<>();
                    d.get("items").forEach(i -> items.add(i.asText()));
                    assertThat(differing.put(d.get("juminhyoCode").asText(), items)).as("each person once").isNull();
                }
                body.get("missingInStore").forEach(c -> missingInStore.add(c.asText()));
                body.get("missingAtCs").forEach(c -> missingAtCs.add(c.asText()));
            }
            assertThat(missingInStore).isSorted().doesNotHaveDuplicates();
            assertThat(missingAtCs).isSorted().doesNotHaveDuplicates();
            Reply first = replies.get(0);
            int parts = first.body().has("parts") ? first.body().get("parts").asInt() : 1;
            return new Result(matched, differing, missingInStore, missingAtCs, parts, first);
        }
    }

    /** BEGIN, the chunks pipelined, END and every further part. */
    private static Result check(FrameClient cs, String sender, String store, List<ObjectNode> records, int chunkSize)
            throws Exception {
        String session = "it-" + System.nanoTime();
        sendSet(cs, sender, store, session, records, chunkSize);
        Reply first = cs.send(end(sender, session, null)).get(60, TimeUnit.SECONDS);
        assertThat(first.status()).as(first.code() + " " + first.detail()).isEqualTo(Status.ACK);
        List<Reply> replies = new ArrayList<>(List.of(first));
        int parts = first.body().has("parts") ? first.body().get("parts").asInt() : 1;
        for (int p = 1; p < parts; p++) {
            replies.add(cs.send(end(sender, session, p)).get(20, TimeUnit.SECONDS));
        }
        return Result.of(replies);
    }

    private static void sendSet(FrameClient cs, String sender, String store, String session, List<ObjectNode> records,
                                int chunkSize) throws Exception {
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        replies.add(cs.send(begin(sender, store, session, records.size())));
        for (int i = 0, chunk = 0; i < records.size(); i += chunkSize, chunk++) {
            replies.add(cs.send(chunk(sender, session, chunk, records.subList(i, Math.min(records.size(), i + chunkSize)))));
        }
        for (CompletableFuture<Reply> f : replies) {
            Reply r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.code() + " " + r.detail()).isEqualTo(Status.ACK);
        }
    }

    private static void load(FrameClient cs, String sender, List<ObjectNode> records) throws Exception {
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (ObjectNode r : records) {
            replies.add(cs.send(Messages.update(sender, "MOVE_IN", r)));
        }
        for (CompletableFuture<Reply> f : replies) {
            Reply r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.code() + " " + r.detail()).isEqualTo(Status.ACK);
        }
    }

    private static List<ObjectNode> people(String municipality, int n) {
        List<ObjectNode> people = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            people.add(Messages.person(municipality));
        }
        return people;
    }

    private static List<String> codes(List<ObjectNode> records) {
        return records.stream().map(r -> r.get("juminhyoCode").asText()).toList();
    }

    private static List<String> sorted(List<String> codes) {
        return codes.stream().sorted().toList();
    }

    /** The session's own tables, {@code consistency.staged_<id>} and {@code result_<id>}, that exist. */
    private static long sessionTables(long id) throws Exception {
        return gw.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'consistency' AND c.relname IN ('staged_' || ?, 'result_' || ?)", id, id);
    }
}
