package jp.tokyo.juki.sim;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;

/**
 * The consistency simulator's {@code --load}: the municipality's set sent as entries (MOVE_IN;
 * fuhyo: EX_OFFICIO_ENTRY) over several connections, so the store holds it before the check;
 * the replies counted by code.
 */
final class EntryLoad {
    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    private static final int LOAD_WINDOW = 256;

    private final ConsistencySimulator.Options options;
    private final SSLContext tls;
    private final PlantedDrift plan;
    private final RequestFrames frames;

    EntryLoad(ConsistencySimulator.Options options, SSLContext tls, PlantedDrift plan, RequestFrames frames) {
        this.options = options;
        this.tls = tls;
        this.plan = plan;
        this.frames = frames;
    }

    /** @return the count of replies by code ({@code I000}, {@code E140} …, "no reply", "DUPLICATE") */
    Map<String, AtomicLong> run() throws IOException, InterruptedException {
        Map<String, AtomicLong> codes = new ConcurrentHashMap<>();
        int connections = Math.max(1, options.loadConnections());
        List<FrameClient> clients = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                clients.add(FrameClient.connect(options.host(), options.port(), tls));
            }
            List<Thread> threads = new ArrayList<>();
            AtomicReference<IOException> failure = new AtomicReference<>();
            for (int c = 0; c < connections; c++) {
                FrameClient client = clients.get(c);
                int first = c;
                Thread t = new Thread(() -> {
                    try {
                        loadShare(client, first, connections, codes);
                    } catch (IOException e) {
                        failure.set(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "cs-load-" + c);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
        } finally {
            clients.forEach(FrameClient::close);
        }
        return codes;
    }

    private void loadShare(FrameClient client, int first, int step, Map<String, AtomicLong> codes)
            throws IOException, InterruptedException {
        Semaphore window = new Semaphore(LOAD_WINDOW);
        String today = LocalDate.now(JST).toString();
        for (long i = first; i < options.records(); i += step) {
            long person = i;
            window.acquire();
            String id = frames.id("load-" + i);
            byte[] frame = frames.frame(id, options.store().updateType(), g -> {
                g.writeFieldName("record");
                plan.writeRecord(g, person, -1);
                // an annex is entered with the family register (ex officio; the person may be abroad),
                // a resident by moving in
                g.writeStringField("reason", options.store() == Store.FUHYO ? "EX_OFFICIO_ENTRY" : "MOVE_IN");
                g.writeStringField("changeDate", today);
            });
            client.sendRaw(id, frame).whenComplete((reply, error) -> {
                String code = error != null ? "no reply" : reply.status() == Status.DUPLICATE ? "DUPLICATE" : reply.code().name();
                codes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
                // released after counting: acquiring the whole window below then means every reply is counted
                window.release();
            });
        }
        window.acquire(LOAD_WINDOW);
    }
}
