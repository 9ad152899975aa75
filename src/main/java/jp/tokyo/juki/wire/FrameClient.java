package jp.tokyo.juki.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * A pipelining client of the framed protocol over mutual TLS — the gateway towards a national
 * server, and the simulated CS: requests may be sent without waiting, replies come back in
 * request order and are matched to their requests in that order. A reply whose
 * {@code inReplyTo} is not the id of the oldest waiting request counts as an order violation.
 */
public final class FrameClient implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final AtomicLong orderViolations = new AtomicLong();

    private record Pending(String id, CompletableFuture<Reply> reply) {
    }

    private FrameClient(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Connects and completes the TLS handshake; fails if the server is not acceptable to {@code tls}. */
    public static FrameClient connect(String host, int port, SSLContext tls) throws IOException {
        EventLoopGroup group = new NioEventLoopGroup(1);
        FrameClient[] self = new FrameClient[1];
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SSLEngine engine = tls.createSSLEngine(host, port);
                        engine.setUseClientMode(true);
                        ch.pipeline().addLast("tls", new SslHandler(engine));
                        // a page of notices sent one after the other leaves in few TLS records (FlushBatching)
                        ch.pipeline().addLast(FlushBatching.handler());
                        ch.pipeline().addLast(new FrameDecoder(FrameDecoder.DEFAULT_MAX));
                        ch.pipeline().addLast(new FrameEncoder());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<Frame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
                                self[0].onFrame(frame);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                self[0].failAll(new IOException("connection closed by peer"));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                self[0].failAll(new IOException("connection failed: " + cause.getClass().getSimpleName(), cause));
                                ctx.close();
                            }
                        });
                    }
                });
        try {
            Channel ch = b.connect(host, port).syncUninterruptibly().channel();
            self[0] = new FrameClient(group, ch);
            if (!ch.pipeline().get(SslHandler.class).handshakeFuture().await(10, TimeUnit.SECONDS)
                    || !ch.pipeline().get(SslHandler.class).handshakeFuture().isSuccess()) {
                Throwable cause = ch.pipeline().get(SslHandler.class).handshakeFuture().cause();
                ch.close();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IOException("TLS handshake failed", cause);
            }
            return self[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("interrupted while connecting");
        } catch (IOException e) {
            // also a refused connection: netty rethrows its ConnectException unchecked-style, and
            // the event loop's (non-daemon) thread must not outlive the failed attempt
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot connect to " + host + ":" + port, e);
        }
    }

    public CompletableFuture<Reply> send(Request request) {
        return sendRaw(request.id(), request.toBytes());
    }

    /** Sends any payload as one frame (for deliberately bad frames); {@code id} is what the reply should name. */
    public CompletableFuture<Reply> sendRaw(String id, byte[] payload) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        synchronized (pending) {
            if (!channel.isActive()) {
                reply.completeExceptionally(new IOException("connection closed"));
                return reply;
            }
            pending.addLast(new Pending(id, reply));
            channel.writeAndFlush(payload);
        }
        return reply;
    }

    /** Writes raw bytes, no framing (for broken length prefixes). */
    public CompletableFuture<Reply> sendBytes(byte[] bytes) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        synchronized (pending) {
            pending.addLast(new Pending(null, reply));
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }
        return reply;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public long orderViolations() {
        return orderViolations.get();
    }

    private void onFrame(Frame frame) {
        Pending p;
        synchronized (pending) {
            p = pending.pollFirst();
        }
        if (p == null) {
            return;
        }
        try {
            Reply reply = Reply.parse(frame.payload());
            if (p.id() != null && !p.id().equals(reply.inReplyTo())) {
                orderViolations.incrementAndGet();
            }
            p.reply().complete(reply);
        } catch (IOException e) {
            p.reply().completeExceptionally(e);
        }
    }

    private void failAll(IOException e) {
        synchronized (pending) {
            Pending p;
            while ((p = pending.pollFirst()) != null) {
                p.reply().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
