package jp.tokyo.juki.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import jp.tokyo.juki.sim.AgencyAnswer;
import jp.tokyo.juki.sim.AgencyRequestFile;

/**
 * What {@code bench agency} got back for its request file, compared row by row with what the
 * file implies: its RESULT lines and its exit code.
 */
final class AgencyBenchOutcome {
    private final AgencyRequestFile.Built file;
    private final AgencyAnswer answer;
    private final String failure;
    private final double uploadSeconds;
    private final double seconds;
    /** request id → status answered; "answered twice" for a request id with two rows */
    private final Map<String, String> answered = new HashMap<>();

    AgencyBenchOutcome(AgencyRequestFile.Built file, AgencyAnswer answer, String failure, double uploadSeconds,
            double seconds) {
        this.file = file;
        this.answer = answer;
        this.failure = failure;
        this.uploadSeconds = uploadSeconds;
        this.seconds = seconds;
        if (answer instanceof AgencyAnswer.Result result) {
            for (AgencyAnswer.Row r : result.rows()) {
                if (answered.put(r.requestId(), r.status()) != null) {
                    answered.put(r.requestId(), "answered twice");
                }
            }
        }
    }

    /** "expected→got" → rows, for the rows not answered as expected (and rows the file did not ask). */
    Map<String, Long> mismatches() {
        Map<String, Long> wrong = new TreeMap<>();
        for (int i = 0; i < file.rows(); i++) {
            String got = answered.get(AgencyRequestFile.requestId(i));
            if (!file.expected(i).equals(got)) {
                wrong.merge(file.expected(i) + "→" + (got == null ? "no row" : got), 1L, Long::sum);
            }
        }
        long unasked = answered.size() - IntStream.range(0, file.rows())
                .filter(i -> answered.containsKey(AgencyRequestFile.requestId(i))).count();
        if (unasked > 0) {
            wrong.put("rows for request ids the file does not have", unasked);
        }
        return wrong;
    }

    /** Rows of {@code kind} answered with the status that kind expects. */
    long asExpected(AgencyRequestFile.Kind kind) {
        return IntStream.range(0, file.rows()).filter(i -> file.kinds().get(i) == kind
                && kind.expected().equals(answered.get(AgencyRequestFile.requestId(i)))).count();
    }

    List<String> report() {
        if (failure != null) {
            return List.of("RESULT agency request: FAILED, " + failure);
        }
        if (answer instanceof AgencyAnswer.FileError error) {
            return List.of("RESULT agency request: REFUSED as a whole (" + error.file() + "): " + error.reason());
        }
        AgencyAnswer.Result result = (AgencyAnswer.Result) answer;
        int n = result.rows().size();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("RESULT agency request: %d rows answered in %.1f s (start of the upload to the "
                        + "verified, decrypted answer; the upload itself %.1f s), %.0f rows/s; target <= 30 s "
                        + "for 100,000 rows: %s", n, seconds, uploadSeconds, n / seconds,
                file.rows() >= 100_000 ? (seconds <= 30 ? "met" : "MISSED") : "n/a (fewer rows)"));
        lines.add("RESULT statuses: " + result.summary());
        Map<String, Long> got = result.byStatus();
        lines.add("RESULT expected/got by status: " + file.expectedByStatus().entrySet().stream()
                .filter(e -> e.getValue() > 0 || got.get(e.getKey()) > 0)
                .map(e -> e.getKey() + " " + e.getValue() + "/" + got.get(e.getKey()))
                .collect(Collectors.joining(", ")));
        lines.add("RESULT rows answered as expected, by kind: " + file.byKind().entrySet().stream()
                .map(e -> String.format("%s %d of %d (%s)", e.getKey(), asExpected(e.getKey()), e.getValue(),
                        e.getKey().expected()))
                .collect(Collectors.joining(", ")));
        lines.add(String.format("RESULT refused rows (another agency's business): expected REFUSED %d, got REFUSED %d",
                file.byKind().get(AgencyRequestFile.Kind.REFUSED), asExpected(AgencyRequestFile.Kind.REFUSED)));
        Map<String, Long> wrong = mismatches();
        lines.add("RESULT every row answered as the file implies: " + (wrong.isEmpty() ? "yes" : "NO, " + wrong));
        return lines;
    }

    /** 0 every row as expected; 1 some not; 2 no connection or no answer in time; 3 the file refused as a whole. */
    int exitCode() {
        if (failure != null) {
            return 2;
        }
        if (answer instanceof AgencyAnswer.FileError) {
            return 3;
        }
        return mismatches().isEmpty() ? 0 : 1;
    }
}
