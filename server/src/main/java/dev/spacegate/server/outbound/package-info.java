/**
 * Outbound HTTP/1.1 client for upstream calls: pooled keep-alive connections, TLS, HTTP and SOCKS5 proxies,
 * response bodies read as they arrive. Kept small so the gateway's added latency stays near the socket's.
 */
package dev.spacegate.server.outbound;
