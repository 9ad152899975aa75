package jp.tokyo.juki.security;

import java.util.List;
import org.apache.camel.support.jsse.ClientAuthentication;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * The {@link SSLContextParameters} of the CS listener (camel-main's global {@code camel.ssl.*}
 * holds a single key/trust pair, and each line needs its own): the gateway's key, TLS 1.3, and
 * a client certificate of a {@code cs-} identity required. The national line's client uses
 * {@link KeyMaterial#sslContext} directly.
 */
public final class CamelTls {
    private CamelTls() {
    }

    public static SSLContextParameters server(KeyMaterial keys, String identity, PeerTrustManager trust) {
        SSLContextParameters params = base(keys, identity, trust);
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(ClientAuthentication.REQUIRE.name());
        params.setServerParameters(server);
        return params;
    }

    private static SSLContextParameters base(KeyMaterial keys, String identity, PeerTrustManager trust) {
        KeyStoreParameters ks = new KeyStoreParameters();
        ks.setResource("file:" + keys.keyStoreFile(identity).toAbsolutePath());
        ks.setType("PKCS12");
        ks.setPassword(new String(keys.password()));
        KeyManagersParameters km = new KeyManagersParameters();
        km.setKeyStore(ks);
        km.setKeyPassword(new String(keys.password()));
        TrustManagersParameters tm = new TrustManagersParameters();
        tm.setTrustManager(trust);
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(List.of(KeyMaterial.PROTOCOLS));
        SSLContextParameters params = new SSLContextParameters();
        params.setKeyManagers(km);
        params.setTrustManagers(tm);
        params.setSecureSocketProtocol("TLSv1.3");
        params.setSecureSocketProtocols(protocols);
        return params;
    }
}
