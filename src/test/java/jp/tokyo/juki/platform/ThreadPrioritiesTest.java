package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decision 42: the threads no CS reply waits for run at a lower priority, the others keep theirs. Linux only (the
 * build's machines): read back from {@code /proc/self/task/<tid>/stat}.
 */
class ThreadPrioritiesTest {
    @TempDir
    Path dir;

    @Test
    void aBrokerPoolThreadNumberedPastNineIsLoweredThoughItsLinuxNameIsCut() throws Exception {
        // Linux keeps 15 characters: "Thread-12 (acti", "Thread-12345 (a"
        try (Parked twelve = new Parked("Thread-12 (activemq-juki-broker)");
             Parked many = new Parked("Thread-12345 (activemq-juki-broker)");
             Parked client = new Parked("Thread-12 (ActiveMQ-client-global-threads)")) {
            twelve.tid();
            many.tid();
            client.tid();
            ThreadPriorities.scanOnce(5, ThreadPriorities.BACKGROUND);

            assertThat(niceOf(twelve.tid())).isEqualTo(5);
            assertThat(niceOf(many.tid())).isEqualTo(5);
            assertThat(niceOf(client.tid())).as("the JMS client's pool is left as it is")
                    .isEqualTo(0);
        }
    }

    @Test
    void anAuditThreadIsLoweredAndACsLineThreadIsNot() throws Exception {
        try (Parked audit = new Parked("audit-writer-9"); Parked csLine = new Parked("cs-reply")) {
            audit.tid(); // both are running, under their names
            csLine.tid();
            ThreadPriorities.scanOnce(5, ThreadPriorities.BACKGROUND);

            assertThat(niceOf(audit.tid())).isEqualTo(5);
            assertThat(niceOf(csLine.tid())).isEqualTo(0);
        }
    }

    @Test
    void theEmbeddedBrokersOwnThreadsAreFoundByTheirNames() throws Exception {
        GatewayConfig config = GatewayConfig.load(Path.of("config/application.properties"),
                Map.of("juki.data.dir", dir.toString(), "juki.broker.acceptor", "tcp://127.0.0.1:" + Ports.free()));
        try (Broker broker = Broker.start(config);
             Parked csLine = new Parked("honnin-writer-9")) {
            csLine.tid();
            // a persistent message through the broker starts its pool's and its journal's threads
            try (Connection c = broker.connectionFactory().createConnection()) {
                c.start();
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer p = s.createProducer(s.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                p.send(s.createTextMessage("{}"));
                s.commit();
                MessageConsumer consumer = s.createConsumer(s.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
                assertThat(consumer.receive(5000)).isNotNull();
                s.commit();
            }
            // the broker's threads as they are now (its pool may start more meanwhile, from its own threads)
            Map<Integer, String> brokerThreads = new TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String name;
                    try {
                        name = Files.readString(task.resolve("comm")).strip();
                    } catch (NoSuchFileException ended) {
                        continue;
                    }
                    if (name.contains("(activemq") || name.startsWith("activemq-")) {
                        brokerThreads.put(Integer.parseInt(task.getFileName().toString()), name);
                    }
                }
            }
            assertThat(brokerThreads).as("the broker's threads, by their Linux names").isNotEmpty();

            ThreadPriorities.scanOnce(5, ThreadPriorities.BACKGROUND);

            for (Map.Entry<Integer, String> t : brokerThreads.entrySet()) {
                if (Files.exists(Path.of("/proc/self/task/" + t.getKey()))) { // a pool thread may have ended
                    assertThat(niceOf(t.getKey())).as("nice of broker thread %s", t.getValue())
                            .isEqualTo(5);
                }
            }
            assertThat(niceOf(csLine.tid())).isEqualTo(0);
        }
    }

    /** The thread's nice value ({@code /proc/self/task/<tid>/stat}, field 19). */
    private static int niceOf(int tid) throws IOException {
        String stat = new String(Files.readAllBytes(Path.of("/proc/self/task", Integer.toString(tid), "stat")),
                StandardCharsets.ISO_8859_1);
        // the name (field 2) is in parentheses and may hold spaces: fields are counted after its closing one
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[16]); // field 19 is the 17th after the name
    }

    /** A thread of the given name that waits until closed, and its Linux thread id. */
    private static final class Parked implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private final CompletableFuture<Integer> tid = new CompletableFuture<>();
        private final Thread thread;

        Parked(String name) {
            thread = new Thread(() -> {
                try {
                    // /proc/thread-self links to /proc/<pid>/task/<tid>
                    tid.complete(Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self"))
                            .getFileName().toString()));
                    release.await();
                } catch (IOException e) {
                    tid.completeExceptionally(new UncheckedIOException(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name);
            thread.start();
        }

        int tid() throws Exception {
            return tid.get();
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            thread.join();
        }
    }
}
