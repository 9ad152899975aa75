package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.wire.AgencyFileFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A request file's rows (PROTOCOL §4) and whether an agency may ask each (R-PROV, 番号法). */
class RequestFileTest {
    private static final String HEADER = String.join(",", AgencyFileFormat.REQUEST_HEADER) + "\n";
    private static Agency suido;
    private static Agency shuzei;

    @BeforeAll
    static void agencies() throws Exception {
        AgencyDirectory d = AgencyDirectory.load(Path.of("config/agencies.yaml"));
        suido = d.agency("suido").orElseThrow();
        shuzei = d.agency("shuzei").orElseThrow();
    }

    private static List<RequestCsv.Row> rows(String body) throws Exception {
        return RequestCsv.parse((HEADER + body).getBytes(StandardCharsets.UTF_8), 100);
    }

    private static RequestRules.Decision decide(Agency agency, String row) throws Exception {
        return RequestRules.check(agency, rows(row + "\n").get(0));
    }

    @Test
    void rowsAreReadWithTheirLinesAndEmptyCellsAreAbsent() throws Exception {
        List<RequestCsv.Row> rows = rows("r1,SUIDO-FEE,JUMINHYO_CODE,24727059608,,,,,,\n"
                + "r2,SUIDO-FEE,FOUR_INFO,,,ヤマダ タロウ,,1980-04-01,,\"東京都千代田区, 1\"\n");

        assertThat(rows).extracting(RequestCsv.Row::line).containsExactly(2L, 3L);
        assertThat(rows.get(0).myNumber()).isNull();
        assertThat(rows.get(1).address()).isEqualTo("東京都千代田区, 1");
    }

    @Test
    void aFileThatBreaksTheFormatAsAWholeIsMalformedNamingTheLine() {
        assertThatThrownBy(() -> RequestCsv.parse("id,business\n".getBytes(StandardCharsets.UTF_8), 10))
                .hasMessage("line 1: the header must be " + String.join(",", AgencyFileFormat.REQUEST_HEADER));
        assertThatThrownBy(() -> rows("r1,SUIDO-FEE\n")).hasMessage("line 2: 2 columns, 10 expected");
        assertThatThrownBy(() -> RequestCsv.parse(new byte[]{(byte) 0xff, (byte) 0xfe, 'a'}, 10)).hasMessage("not UTF-8");
        assertThatThrownBy(() -> RequestCsv.parse((HEADER + "a,,,,,,,,,\nb,,,,,,,,,\n").getBytes(StandardCharsets.UTF_8), 1))
                .hasMessage("more than 1 rows");
        assertThatThrownBy(() -> rows("r1,\"山田 太郎,,,,,,,,\n")).hasMessage("not a CSV file (unbalanced quotes) after 0 rows");
    }

    @Test
    void aFileIsReadAsAStreamWithinBoundsAndACellTooLongIsItsRowsProblemNotKept() throws Exception {
        String padding = "X".repeat(RequestCsv.MAX_CELL + 1);
        List<RequestCsv.Row> rows = rows("r1,SUIDO-FEE,JUMINHYO_CODE,24727059608,,,,,," + padding + "\n");

        assertThat(rows.get(0).address()).as("not kept").isNull();
        assertThat(RequestRules.check(suido, rows.get(0)))
                .isEqualTo(new RequestRules.Decision.Invalid("address: longer than 1024 characters"));
        // a row longer than any request row: the file is malformed, not read on into memory
        String huge = "r1,SUIDO-FEE,JUMINHYO_CODE,,,,,,,\"" + "Y".repeat(300_000) + "\"\n";
        assertThatThrownBy(() -> rows("r0,,,,,,,,,\n" + huge)).hasMessage("line 3: longer than 65536 characters");
        // rows that would need more than the file's share of the memory budget: too large (A130)
        byte[] many = (HEADER + "r,,,,,,,,,\n".repeat(1000)).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RequestCsv.parse(new ByteArrayInputStream(many), 100_000, 100 * RequestCsv.ROW_OVERHEAD))
                .isInstanceOfSatisfying(RequestCsv.Malformed.class, m -> assertThat(m.tooLarge()).isTrue())
                .hasMessageStartingWith("more than 0 MiB of memory needed for its rows");
        assertThat(RequestCsv.parse(new ByteArrayInputStream(many), 100_000, 1000 * RequestCsv.rowCost(
                new RequestCsv.Row(2, "r", null, null, null, null, null, null, null, null, null)))).hasSize(1000);
    }

    @Test
    void aBusinessOfAnotherAgencyIsRefused() throws Exception {
        assertThat(decide(suido, "r1,SHUZEI-TAX,JUMINHYO_CODE,24727059608,,,,,,"))
                .isEqualTo(new RequestRules.Decision.Refused("business: not a business of this agency (config/agencies.yaml)"));
    }

    @Test
    void theMyNumberIsRefusedWhereBangoHoDoesNotAllowIt() throws Exception {
        assertThat(decide(suido, "r1,SUIDO-FEE,MY_NUMBER,,123456789018,,,,,"))
                .isEqualTo(new RequestRules.Decision.Refused("key_type: 番号法 does not allow this business the My Number"));
        assertThat(decide(shuzei, "r1,SHUZEI-TAX,MY_NUMBER,,123456789018,,,,,"))
                .isInstanceOf(RequestRules.Decision.Allowed.class);
    }

    @Test
    void aKeyTypeTheBusinessMayNotUseIsRefused() throws Exception {
        Agency shobo = AgencyDirectory.load(Path.of("config/agencies.yaml")).agency("shobo").orElseThrow();
        assertThat(decide(shobo, "r1,SHOBO-RECORDS,FOUR_INFO,,,ヤマダ タロウ,,1980-04-01,,"))
                .isEqualTo(new RequestRules.Decision.Refused("key_type: FOUR_INFO is not allowed for this business"));
    }

    @Test
    void aMalformedKeyIsInvalidNamingTheColumn() throws Exception {
        assertThat(decide(suido, "r1,SUIDO-FEE,JUMINHYO_CODE,24727059609,,,,,,"))
                .isEqualTo(new RequestRules.Decision.Invalid("juminhyo_code: check digit"));
        assertThat(decide(suido, "r1,SUIDO-FEE,FOUR_INFO,,,ヤマダ タロウ,,,,"))
                .isEqualTo(new RequestRules.Decision.Invalid(
                        "four_info: needs a name and at least one of birth_date, sex, address"));
        assertThat(decide(suido, "r1,SUIDO-FEE,PHONE,,,,,,,"))
                .isEqualTo(new RequestRules.Decision.Invalid("key_type: must be JUMINHYO_CODE, MY_NUMBER or FOUR_INFO"));
        assertThat(decide(suido, ",SUIDO-FEE,JUMINHYO_CODE,24727059608,,,,,,"))
                .isEqualTo(new RequestRules.Decision.Invalid("request_id: 1-64 of A-Z a-z 0-9 . _ : -"));
    }

    @Test
    void aWellFormedAllowedRowIsAllowedForItsBusiness() throws Exception {
        RequestRules.Decision d = decide(suido, "r1,SUIDO-FEE,FOUR_INFO,,,ヤマダ タロウ,山田,1980-04-01,1,東京都");

        assertThat(d).isInstanceOf(RequestRules.Decision.Allowed.class);
        assertThat(((RequestRules.Decision.Allowed) d).business().legalBasis()).contains("東京都給水条例");
    }

    @Test
    void aFileThatKeepsFailingIsRefusedAfterAFewAttemptsNeverRetriedWithoutEnd() {
        Instant t = Instant.parse("2026-12-06T00:00:00Z");
        String digest = "d1";
        // any other Error (a parser's StackOverflowError, say): A100 after ERROR_ATTEMPTS attempts
        FileFailures f = null;
        for (int i = 1; i <= FileFailures.ERROR_ATTEMPTS; i++) {
            assertThat(f == null ? null : f.giveUp(digest)).as("after %d errors", i - 1).isNull();
            f = FileFailures.after(f, t, FileFailures.Kind.ERROR, null);
        }
        assertThat(f.giveUp(digest)).isEqualTo(new FileFailures.Refusal(FileRefusal.A100,
                "it could not be opened (3 attempts failed with an internal error)"));

        // a reader's failure that is not Malformed: A120 after READ_ATTEMPTS attempts of the same content
        FileFailures u = null;
        for (int i = 1; i <= FileFailures.READ_ATTEMPTS; i++) {
            assertThat(u == null ? null : u.giveUp(digest)).isNull();
            u = FileFailures.after(u, t, FileFailures.Kind.UNREADABLE, digest);
        }
        assertThat(u.giveUp(digest)).isEqualTo(new FileFailures.Refusal(FileRefusal.A120,
                "it could not be read (3 attempts failed)"));
        // other content under the same name is not refused for the old content's failures, and counts anew
        assertThat(u.giveUp("d2")).isNull();
        FileFailures replaced = FileFailures.after(u, t, FileFailures.Kind.UNREADABLE, "d2");
        assertThat(replaced.unreadable()).isEqualTo(1);
        assertThat(replaced.giveUp("d2")).isNull();

        // out of memory: A130 after OUT_OF_MEMORY_ATTEMPTS, as before
        FileFailures m = FileFailures.after(null, t, FileFailures.Kind.OUT_OF_MEMORY, null);
        m = FileFailures.after(m, t, FileFailures.Kind.OUT_OF_MEMORY, null);
        assertThat(m.giveUp(digest).why()).isEqualTo(FileRefusal.A130);

        // an I/O failure (the folder, the database) is retried, with pauses of 2, 4, 8 ... s up to 10 minutes
        FileFailures io = null;
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            io = FileFailures.after(io, t, FileFailures.Kind.OTHER, null);
            pauses.add(Duration.between(t, io.next()).toSeconds());
        }
        assertThat(io.giveUp(digest)).isNull();
        assertThat(pauses).containsExactly(2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 600L, 600L, 600L);
    }

    @Test
    void anAttemptBegunThatNeverEndedCountsAsAFailureSoAFileThatKillsItsNodeIsRefusedAfterThreeInTotal() {
        Instant t = Instant.parse("2026-12-06T00:00:00Z");
        // issue 14: the attempt is counted before the file is processed; a node that dies leaves it begun, never ended
        FileFailures f = null;
        for (int i = 1; i <= FileFailures.ERROR_ATTEMPTS; i++) {
            assertThat(f == null ? null : f.giveUp("d1")).as("after %d attempts that died", i - 1).isNull();
            f = FileFailures.begun(f, t);
            assertThat(f.next()).as("not tried again at once").isAfter(t);
        }
        assertThat(f.died()).isEqualTo(3);
        assertThat(f.giveUp("d1")).isEqualTo(new FileFailures.Refusal(FileRefusal.A100,
                "it could not be opened (3 attempts failed with an internal error or ended with their node)"));

        // an attempt that ended in a failure is that failure, not a death: I/O failures are never refused
        FileFailures io = null;
        for (int i = 0; i < 5; i++) {
            io = FileFailures.after(FileFailures.begun(io, t), t, FileFailures.Kind.OTHER, null);
        }
        assertThat(io.died()).isZero();
        assertThat(io.giveUp("d1")).isNull();
        // two deaths and one Error: three attempts that failed the gateway
        FileFailures mixed = FileFailures.after(FileFailures.begun(FileFailures.begun(FileFailures.begun(null, t), t), t), t,
                FileFailures.Kind.ERROR, null);
        assertThat(mixed.giveUp("d1").why()).isEqualTo(FileRefusal.A100);
    }
}
