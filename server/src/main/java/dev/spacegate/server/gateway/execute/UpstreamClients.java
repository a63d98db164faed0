package dev.spacegate.server.gateway.execute;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;

/**
 * Outbound HTTP clients, one per proxy setting, configured for a streaming proxy: no redirects, no
 * {@code Expect: 100-continue}, a read timeout long enough for slow model streams.
 */
public final class UpstreamClients {
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Map<String, WebClient> clients = new ConcurrentHashMap<>();

    public UpstreamClients(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** The client for a proxy URL ({@code null} or {@code direct} = no proxy). */
    public WebClient client(String proxyUrl) {
        String key = proxyUrl == null || proxyUrl.equals("direct") ? "" : proxyUrl;
        return clients.computeIfAbsent(key, this::build);
    }

    private WebClient build(String proxyUrl) {
        var b = WebClient.builder()
                .followRedirects(false)
                .sendExpectContinue(false)
                .keepAlive(true)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .socketOptions(s -> s.connectTimeout(connectTimeout).readTimeout(readTimeout).tcpNoDelay(true))
                .connectionCacheSize(1024)
                .shareConnectionCache(false)
                .maxInMemoryEntity(64 * 1024);
        if (!proxyUrl.isEmpty()) {
            URI u = URI.create(proxyUrl);
            b.proxy(Proxy.builder().type(Proxy.ProxyType.HTTP).host(u.getHost())
                    .port(u.getPort() < 0 ? 80 : u.getPort()).build());
        } else {
            b.proxy(Proxy.noProxy());
        }
        return b.build();
    }
}
