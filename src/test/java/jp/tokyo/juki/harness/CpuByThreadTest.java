package jp.tokyo.juki.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench updates --flame}'s breakdown of the gateway's CPU by the work of its threads. */
class CpuByThreadTest {
    @TempDir
    Path dir;

    @Test
    void samplesAreCountedToTheWorkTheirThreadDoesLargestFirst() throws Exception {
        Path collapsed = dir.resolve("flame-honnin.collapsed");
        Files.writeString(collapsed, String.join("\n",
                "[C2 CompilerThre tid=12];thread_native_entry;C2Compiler::compile_method 40",
                "[honnin-writer-0 tid=40];java.lang.Thread.run;jp.tokyo.juki.store.GroupCommit.run 25",
                "[honnin-writer-1 tid=41];java.lang.Thread.run;jp.tokyo.juki.store.GroupCommit.run 5",
                "[Camel (camel-1) thread #11 - timer://national-honnin-delivery tid=55];a;b 20",
                "[Signal Dispatcher tid=3];x 10",
                ""), StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CpuByThread.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "HONNIN", collapsed);
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).startsWith("RESULT HONNIN gateway CPU by thread over the window (100 samples): "
                + "JIT compiler 40.0%; update transactions (group commit) 30.0%; national delivery 20.0%; "
                + "other threads 10.0% (busiest: Signal Dispatcher 10.0%)");
    }
}
