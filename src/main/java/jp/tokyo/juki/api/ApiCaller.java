package jp.tokyo.juki.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import jp.tokyo.juki.security.Identities;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

/**
 * Who is on the other end of a request, from the TLS session of its channel (never from a
 * header a client could send): the certificate's CN, the operator ID it names ({@code op-<ID>}),
 * the SHA-256 fingerprint a session is bound to, and the session itself for the per-request
 * revocation check.
 *
 * @param commonName  the certificate's CN, e.g. {@code op-tanaka}
 * @param operatorId  the ID after {@code op-}, or null when the CN is not an operator's
 * @param fingerprint hex SHA-256 of the certificate (DER)
 */
public record ApiCaller(String commonName, String operatorId, String fingerprint, SSLSession tls) {
    /** The caller of {@code e}'s channel, or null when the channel has no verified TLS peer. */
    public static ApiCaller of(Exchange e) {
        ChannelHandlerContext ctx = e.getMessage().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                ChannelHandlerContext.class);
        SslHandler ssl = ctx == null ? null : ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        SSLSession session = ssl.engine().getSession();
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            String cn = Identities.commonName(leaf);
            return new ApiCaller(cn, Identities.operatorOf(cn), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())),
                    session);
        } catch (SSLPeerUnverifiedException | CertificateEncodingException | NoSuchAlgorithmException ex) {
            return null;
        }
    }
}
