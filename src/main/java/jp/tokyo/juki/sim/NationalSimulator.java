package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
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
import jp.tokyo.juki.wire.Frame;
import jp.tokyo.juki.wire.FrameDecoder;
import jp.tokyo.juki.wire.FrameEncoder;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.WireRefusal;

/**
 * A national server (全国サーバ) as PROTOCOL §2 describes it: mutual TLS (it presents its own
 * identity and requires the gateway's), answers every notice with ACK, drops repeats of the
 * same origin (sender, id), and checks that a notice carries exactly the members of PROTOCOL
 * §3.1 — an extra or missing member is answered {@code E110}, as a strict peer would.
 */
public final class NationalSimulator implements AutoCloseable {
    private static final Set<String> NOTICE = Set.of("origin", "juminhyoCode", "name", "birthDate", "sex", "address",
            "myNumber", "reason", "changeDate");
    private static final Map<String, Set<String>> NESTED = Map.of(
            "origin", Set.of("sender", "id"),
            "name", Set.of("kanji", "kana"),
            "address", Set.of("text", "municipalityCode"));

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final Set<String> seenOrigins = ConcurrentHashMap.newKeySet();
    private final List<JsonNode> firstSeen = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final BufferedWriter record;
    private final Channel server;

    private NationalSimulator(SSLContext tls, int port, Path recordFile) throws IOException {
        if (recordFile != null && recordFile.toAbsolutePath().getParent() != null) {
            Files.createDirectories(recordFile.toAbsolutePath().getParent());
        }
        this.record = recordFile == null ? null : Files.newBufferedWriter(recordFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
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
     * @param tls        presents the national identity and admits only the gateway
     * @param port       0 for any free port
     * @param recordFile where each first-seen notice is appended as one JSON line, or {@code null}
     */
    public static NationalSimulator start(SSLContext tls, int port, Path recordFile) throws IOException {
        return new NationalSimulator(tls, port, recordFile);
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
        return firstSeen.size();
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

    private Reply answer(Frame frame) {
        if (frame.oversize()) {
            return Reply.nack(null, ReplyCode.E100, "frame length out of bounds");
        }
        Request request;
        try {
            request = Request.read(frame.payload(), Set.of("HONNIN_NOTICE", "PING"));
        } catch (WireRefusal r) {
            refused.incrementAndGet();
            return r.toReply();
        }
        if (request.type().equals("PING")) {
            return Reply.ack(request.id(), "pong", Json.MAPPER.createObjectNode());
        }
        String problem = checkNotice(request.body());
        if (problem != null) {
            refused.incrementAndGet();
            return Reply.nack(request.id(), ReplyCode.E110, problem);
        }
        JsonNode origin = request.body().get("origin");
        String key = origin.get("sender").asText() + "/" + origin.get("id").asText();
        if (!seenOrigins.add(key)) {
            repeats.incrementAndGet();
            return new Reply(request.id(), jp.tokyo.juki.wire.Status.DUPLICATE, ReplyCode.I000, "already received",
                    Json.MAPPER.createObjectNode());
        }
        JsonNode asReceived;
        try {
            asReceived = Json.MAPPER.readTree(frame.payload());
        } catch (IOException e) {
            return Reply.nack(request.id(), ReplyCode.E100, "not JSON");
        }
        firstSeen.add(asReceived);
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
        return Reply.ack(request.id(), "received", Json.MAPPER.createObjectNode());
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

    private static String exactMembers(JsonNode node, Set<String> members, String path) {
        if (node == null || !node.isObject()) {
            return path + ": must be an object";
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!members.contains(name)) {
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
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (record != null) {
            try {
                record.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }
}
