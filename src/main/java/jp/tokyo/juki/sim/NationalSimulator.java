package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Frame;
import jp.tokyo.juki.wire.FrameDecoder;
import jp.tokyo.juki.wire.FrameEncoder;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import jp.tokyo.juki.wire.WireRefusal;

/**
 * A national server (全国サーバ), or in fuhyo mode the fuhyo national server, as PROTOCOL §2
 * describes it: mutual TLS (it presents its own identity and requires the gateway's), answers
 * every notice with ACK, drops repeats of the same origin (sender, id), and checks that a notice
 * carries exactly the members of PROTOCOL §3.1 ({@code HONNIN_NOTICE}) or §3.2 and
 * docs/protocol.md ({@code FUHYO_NOTICE}, never a My Number) — an extra or missing member is
 * answered {@code E110}, as a strict peer would.
 *
 * <p>It answers queries ({@code HONNIN_QUERY} / {@code FUHYO_QUERY}) from a generated,
 * deterministic population of people outside Tokyo plus the latest state of everyone it was
 * notified of ({@link NationalRegister}); a malformed key is {@code E110} ({@code E120} for a
 * check digit). Switched unavailable, it answers notices and queries {@code E503}.
 */
public final class NationalSimulator implements AutoCloseable {
    /** People generated for queries unless told otherwise. */
    public static final int DEFAULT_POPULATION = 10_000;
    private static final long HONNIN_SEED = 0x4a554b49_4e51L;
    private static final long FUHYO_SEED = 0x4a554b49_4651L;
    private static final Set<String> NOTICE = Set.of("origin", "juminhyoCode", "name", "birthDate", "sex", "address",
            "myNumber", "reason", "changeDate");
    private static final Map<String, Set<String>> NESTED = Map.of(
            "origin", Set.of("sender", "id"),
            "name", Set.of("kanji", "kana"),
            "address", Set.of("text", "municipalityCode"));
    /** FUHYO_NOTICE as the gateway sends it (docs/protocol.md): the record's members, origin, reason, date. */
    private static final Set<String> FUHYO_NOTICE = Set.of("origin", "juminhyoCode", "name", "birthDate", "sex",
            "address", "lastAddress", "managingMunicipalityCode", "status", "gaijiFlag", "noticeKind", "reason",
            "changeDate");
    private static final Set<String> FUHYO_NOTICE_OPTIONAL = Set.of("formerJuminhyoCode", "gaijiPattern");
    private static final Map<String, Set<String>> FUHYO_NESTED = Map.of(
            "origin", Set.of("sender", "id"),
            "name", Set.of("kanji", "kana", "gaijiCount"),
            "address", Set.of("municipalityCode", "text", "gaijiCount"),
            "lastAddress", Set.of("text", "gaijiCount"));

    private final boolean fuhyo;
    private final Set<MessageType> served;
    private final MessageType queryType;
    private final List<NationalPopulation.Person> population;
    private final NationalRegister register;
    private volatile boolean unavailable;
    private final AtomicLong queries = new AtomicLong();
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final Set<String> seenOrigins = ConcurrentHashMap.newKeySet();
    private final List<JsonNode> firstSeen = Collections.synchronizedList(new ArrayList<>());
    private final Object noticeOrder = new Object();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong counted = new AtomicLong();
    private volatile boolean countOnly;
    private final AtomicLong refused = new AtomicLong();
    /** notices and queries answered E503 while unavailable */
    private final AtomicLong unserved = new AtomicLong();
    private final BufferedWriter record;
    private final Channel server;
    /** open connections, so that {@link #close} ends them at once, like a server that is switched off */
    private final ChannelGroup connections =
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private NationalSimulator(SSLContext tls, int port, Path recordFile, boolean fuhyo, int populationSize)
            throws IOException {
        if (populationSize < 0) {
            throw new IllegalArgumentException("population must be >= 0");
        }
        this.fuhyo = fuhyo;
        this.served = MessageType.nationalLine(fuhyo);
        this.queryType = fuhyo ? MessageType.FUHYO_QUERY : MessageType.HONNIN_QUERY;
        this.population = fuhyo ? NationalPopulation.fuhyo(populationSize, FUHYO_SEED)
                : NationalPopulation.honnin(populationSize, HONNIN_SEED);
        this.register = fuhyo ? NationalRegister.fuhyo(population) : NationalRegister.honnin(population);
        if (recordFile != null && recordFile.toAbsolutePath().getParent() != null) {
            Files.createDirectories(recordFile.toAbsolutePath().getParent());
        }
        this.record = recordFile == null ? null : Files.newBufferedWriter(recordFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        SSLEngine engine = tls.createSSLEngine();
                        engine.setUseClientMode(false);
                        engine.setNeedClientAuth(true);
                        ch.pipeline().addLast(new SslHandler(engine));
                        ch.pipeline().addLast(new FrameDecoder(FrameDecoder.DEFAULT_MAX));
                        ch.pipeline().addLast(new FrameEncoder());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<Frame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
                                Reply reply = answer(frame);
                                ctx.writeAndFlush(reply.toBytes());
                                if (reply.code() == ReplyCode.E100) {
                                    ctx.close();
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        try {
            this.server = b.bind(new InetSocketAddress("localhost", port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding");
        } catch (RuntimeException e) {
            close();
            throw new IOException("cannot listen on port " + port, e);
        }
    }

    /**
     * A national server (HONNIN_NOTICE, HONNIN_QUERY) with {@link #DEFAULT_POPULATION} generated residents.
     *
     * @param tls        presents the national identity and admits only the gateway
     * @param port       0 for any free port
     * @param recordFile where each first-seen notice is appended as one JSON line, or {@code null}
     */
    public static NationalSimulator start(SSLContext tls, int port, Path recordFile) throws IOException {
        return start(tls, port, recordFile, DEFAULT_POPULATION);
    }

    /** As {@link #start(SSLContext, int, Path)}, with {@code population} generated residents. */
    public static NationalSimulator start(SSLContext tls, int port, Path recordFile, int population) throws IOException {
        return new NationalSimulator(tls, port, recordFile, false, population);
    }

    /**
     * A fuhyo national server (FUHYO_NOTICE, FUHYO_QUERY) with {@link #DEFAULT_POPULATION} generated
     * persons on annexes kept outside Tokyo.
     *
     * @param tls presents the {@code national-fuhyo} identity and admits only the gateway
     */
    public static NationalSimulator startFuhyo(SSLContext tls, int port, Path recordFile) throws IOException {
        return startFuhyo(tls, port, recordFile, DEFAULT_POPULATION);
    }

    /** As {@link #startFuhyo(SSLContext, int, Path)}, with {@code population} generated persons. */
    public static NationalSimulator startFuhyo(SSLContext tls, int port, Path recordFile, int population)
            throws IOException {
        return new NationalSimulator(tls, port, recordFile, true, population);
    }

    /**
     * From now on a valid notice is acknowledged and counted but not kept: no repeat detection, no register, nothing
     * held in memory per notice (a long warm-up in the gateway's own JVM).
     */
    public NationalSimulator countOnly() {
        countOnly = true;
        return this;
    }

    /** While set, notices and queries are answered {@code E503} (the server cannot serve now); PING still works. */
    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** The record this server answers for its generated person {@code index} (0 … population − 1), as sent. */
    public JsonNode person(int index) {
        NationalPopulation.Person p = population.get(index);
        return fuhyo ? NationalPopulation.fuhyoRecord(p) : NationalPopulation.honninRecord(p);
    }

    /** Persons it can answer for: generated plus notified. */
    public int knownPersons() {
        return register.size();
    }

    /** Queries answered ACK. */
    public long queries() {
        return queries.get();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Notices seen for the first time, in arrival order (request objects as received). */
    public List<JsonNode> notices() {
        synchronized (firstSeen) {
            return List.copyOf(firstSeen);
        }
    }

    public int noticeCount() {
        return firstSeen.size() + (int) counted.get();
    }

    public boolean hasOrigin(String sender, String id) {
        return seenOrigins.contains(sender + "/" + id);
    }

    public long repeats() {
        return repeats.get();
    }

    public long refused() {
        return refused.get();
    }

    /** Notices and queries answered {@code E503} while {@link #setUnavailable unavailable}. */
    public long unserved() {
        return unserved.get();
    }

    private Reply answer(Frame frame) {
        if (frame.oversize()) {
            return Reply.nack(null, ReplyCode.E100, "frame length out of bounds");
        }
        Request request;
        try {
            request = Request.read(frame.payload(), served);
        } catch (WireRefusal r) {
            refused.incrementAndGet();
            return r.toReply();
        }
        if (request.messageType() == MessageType.PING) {
            return Reply.ack(request.id(), "pong", Json.MAPPER.createObjectNode());
        }
        if (unavailable) {
            unserved.incrementAndGet();
            return Reply.nack(request.id(), ReplyCode.E503, "not serving now");
        }
        if (request.messageType() == queryType) {
            return query(request);
        }
        String problem = fuhyo ? checkFuhyoNotice(request.body()) : checkNotice(request.body());
        if (problem != null) {
            refused.incrementAndGet();
            return Reply.nack(request.id(), ReplyCode.E110, problem);
        }
        if (countOnly) {
            counted.incrementAndGet();
            return Reply.ack(request.id(), "received", Json.MAPPER.createObjectNode());
        }
        JsonNode origin = request.body().get("origin");
        String key = origin.get("sender").asText() + "/" + origin.get("id").asText();
        // one notice at a time from the check of its origin to the register: with several gateway nodes
        // delivering, a person's notices may come over two connections, and the latest one must win
        synchronized (noticeOrder) {
            if (!seenOrigins.add(key)) {
                repeats.incrementAndGet();
                return new Reply(request.id(), Status.DUPLICATE, ReplyCode.I000, "already received",
                        Json.MAPPER.createObjectNode());
            }
            JsonNode asReceived;
            try {
                asReceived = Json.MAPPER.readTree(frame.payload());
            } catch (IOException e) {
                return Reply.nack(request.id(), ReplyCode.E100, "not JSON");
            }
            if (record != null) {
                synchronized (record) {
                    try {
                        record.write(asReceived.toString());
                        record.newLine();
                        record.flush();
                    } catch (IOException e) {
                        seenOrigins.remove(key);
                        return Reply.nack(request.id(), ReplyCode.E503, "cannot record");
                    }
                }
            }
            register.notified(request.body());
            firstSeen.add(asReceived);
        }
        return Reply.ack(request.id(), "received", Json.MAPPER.createObjectNode());
    }

    private Reply query(Request request) {
        JsonNode key;
        try {
            key = register.checkKey(request.body());
        } catch (Violation v) {
            refused.incrementAndGet();
            return Reply.nack(request.id(), v.rule() == Violation.Rule.CHECK_DIGIT ? ReplyCode.E120 : ReplyCode.E110,
                    v.detail());
        }
        List<ObjectNode> found = register.find(key);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("records").addAll(found);
        queries.incrementAndGet();
        return Reply.ack(request.id(), "found " + found.size(), body);
    }

    /** The members of PROTOCOL §3.1 HONNIN_NOTICE, no more and no fewer; returns what is wrong or null. */
    static String checkNotice(JsonNode body) {
        String top = exactMembers(body, NOTICE, "body");
        if (top != null) {
            return top;
        }
        for (Map.Entry<String, Set<String>> e : NESTED.entrySet()) {
            String nested = exactMembers(body.get(e.getKey()), e.getValue(), "body." + e.getKey());
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    /**
     * The members of a FUHYO_NOTICE as docs/protocol.md lists them — formerJuminhyoCode and
     * gaijiPattern only when notified, never a My Number; returns what is wrong or null.
     */
    static String checkFuhyoNotice(JsonNode body) {
        String top = exactMembers(body, FUHYO_NOTICE, FUHYO_NOTICE_OPTIONAL, "body");
        if (top != null) {
            return top;
        }
        for (Map.Entry<String, Set<String>> e : FUHYO_NESTED.entrySet()) {
            String nested = exactMembers(body.get(e.getKey()), e.getValue(), "body." + e.getKey());
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    private static String exactMembers(JsonNode node, Set<String> members, String path) {
        return exactMembers(node, members, Set.of(), path);
    }

    private static String exactMembers(JsonNode node, Set<String> members, Set<String> optional, String path) {
        if (node == null || !node.isObject()) {
            return path + ": must be an object";
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!members.contains(name) && !optional.contains(name)) {
                return path + "." + name + ": unknown item";
            }
        }
        for (String m : members) {
            if (!node.has(m)) {
                return path + "." + m + ": required";
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (record != null) {
            try {
                record.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }
}
