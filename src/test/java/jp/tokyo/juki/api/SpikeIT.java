package jp.tokyo.juki.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import jp.tokyo.juki.security.CamelTls;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.testkit.TestPki;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

class SpikeIT {
    @Test
    void restOnNettyHttpWithClientCert() throws Exception {
        KeyMaterial keys = TestPki.keys();
        Path dir = Files.createTempDirectory("spike");
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) { port = ss.getLocalPort(); }
        Files.writeString(dir.resolve("api.camel.yaml"), """
                - restConfiguration:
                    component: netty-http
                    scheme: https
                    host: 127.0.0.1
                    port: "PORT"
                    bindingMode: "off"
                    endpointProperty:
                      - key: ssl
                        value: "true"
                      - key: sslContextParameters
                        value: "#spikeTls"
                      - key: needClientAuth
                        value: "true"
                - rest:
                    path: /api
                    post:
                      - path: /whoami
                        to: direct:whoami
                - route:
                    from:
                      uri: direct:whoami
                      steps:
                        - process:
                            ref: peer
                """.replace("PORT", String.valueOf(port)));
        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:" + dir + "/*.camel.yaml");
        main.bind("spikeTls", CamelTls.server(keys, Identities.GATEWAY, keys.trustManager(cn -> true, "spike")));
        main.bind("peer", (Processor) (Exchange e) -> {
            ChannelHandlerContext ctx = e.getMessage().getHeader("CamelNettyChannelHandlerContext", ChannelHandlerContext.class);
            String cn = ctx == null ? "no-ctx" : Identities.peerOf(ctx.pipeline().get(SslHandler.class).engine().getSession());
            e.getMessage().setHeader("Cache-Control", "no-store");
            e.getMessage().setBody("peer=" + cn + " headers=" + e.getMessage().getHeaders().keySet());
        });
        main.start();
        try {
            HttpClient c = HttpClient.newBuilder().sslContext(TestPki.client(Identities.cs(TestPki.CHIYODA))).build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/whoami"))
                    .header("Cookie", "x=secret").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("SPIKE " + r.statusCode() + " " + r.headers().map() + " " + r.body() + " " + r.version());
            assertThat(r.body()).contains("cs-131016");
            HttpClient anon = HttpClient.newBuilder().sslContext(TestPki.anonymous()).build();
            assertThatThrownBy(() -> anon.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/whoami"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        } finally {
            main.stop();
        }
    }
}
