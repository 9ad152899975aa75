package jp.tokyo.juki.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading the gateway's answers (PROTOCOL §4): the result CSV and its summary, an .err reason. */
class AgencyAnswerTest {
    private static final String HEADER =
            "request_id,status,juminhyo_code,name_kanji,name_kana,birth_date,sex,address,my_number,reason,change_date\r\n";

    private static AgencyAnswer.Result result(String body) throws Exception {
        return AgencyAnswer.result("a.res.p7m", (HEADER + body).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSummaryCountsEveryStatusInTheProtocolsOrderZerosIncluded() throws Exception {
        AgencyAnswer.Result r = result("""
                r1,FOUND,24727059608,山田 太郎,ヤマダ タロウ,1980-04-01,1,"東京都世田谷区, 1",,,
                r2,REFUSED,,,,,,,,business: not a business of this agency (config/agencies.yaml),
                r3,FOUND_NATIONAL,12345678903,,,,,,,,
                r4,FOUND,,,,,,,,,
                """);

        assertThat(r.rows()).extracting(AgencyAnswer.Row::requestId).containsExactly("r1", "r2", "r3", "r4");
        assertThat(r.summary()).isEqualTo("FOUND 2, NOT_FOUND 0, MULTIPLE 0, REFUSED 1, INVALID 0, FOUND_NATIONAL 1, MISMATCH 0");
        assertThat(r.rows().get(1).reason()).startsWith("business:");
    }

    @Test
    void aMismatchRowIsReadWithItsReasonAndCounted() throws Exception {
        AgencyAnswer.Result r = result("r1,MISMATCH,,,,,,,,birth_date: does not match the record,\r\n");

        assertThat(r.rows().get(0).status()).isEqualTo("MISMATCH");
        assertThat(r.rows().get(0).reason()).isEqualTo("birth_date: does not match the record");
        assertThat(r.byStatus()).containsEntry("MISMATCH", 1L);
    }

    @Test
    void aResultWithoutRowsSummarisesToZeros() throws Exception {
        assertThat(result("").summary())
                .isEqualTo("FOUND 0, NOT_FOUND 0, MULTIPLE 0, REFUSED 0, INVALID 0, FOUND_NATIONAL 0, MISMATCH 0");
    }

    @Test
    void aResultWithAnotherHeaderIsMalformed() {
        assertThatThrownBy(() -> AgencyAnswer.result("a.res.p7m",
                "request_id,status\r\nr1,FOUND\r\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AgencyAnswer.Malformed.class).hasMessageStartingWith("a.res.p7m line 1: the header must be");
    }

    @Test
    void aRowWithAStatusOutsideTheProtocolIsMalformedWithoutQuotingIt() {
        assertThatThrownBy(() -> result("r1,佐藤,,,,,,,,,\r\n"))
                .isInstanceOf(AgencyAnswer.Malformed.class)
                .hasMessage("a.res.p7m line 2: status is not one of FOUND, NOT_FOUND, MULTIPLE, REFUSED, INVALID, "
                        + "FOUND_NATIONAL, MISMATCH")
                .hasMessageNotContaining("佐藤");
    }

    @Test
    void aRowWithMissingColumnsIsMalformed() {
        assertThatThrownBy(() -> result("r1,FOUND\r\n")).hasMessage("a.res.p7m line 2: 2 columns, 11 expected");
    }

    @Test
    void anErrorAnswerKeepsItsReasonAndCode() throws Exception {
        AgencyAnswer.FileError e = AgencyAnswer.fileError("a.err.p7m",
                "A120: line 1: the header must be request_id,…\n".getBytes(StandardCharsets.UTF_8));

        assertThat(e.reason()).isEqualTo("A120: line 1: the header must be request_id,…");
        assertThat(e.code()).isEqualTo("A120");
    }
}
