package dev.spacegate.server.gateway.execute;

import dev.spacegate.server.providers.Operation;

import java.util.Map;

/**
 * One client request after authentication and parsing, ready to be dispatched.
 *
 * @param operation      what was asked for
 * @param body           the scanned JSON body
 * @param model          client-visible model name
 * @param stream         whether the client wants a stream
 * @param alt            Gemini stream encoding ({@code sse} or another {@code alt} value), or null
 * @param clientKey      the client key that was admitted ("" when keys are off)
 * @param clientHeaders  client headers (lower-case names) that may go upstream
 * @param requestId      8-hex id, also in usage records
 * @param startNanos     when the request arrived
 * @param clientIp       peer address
 * @param forwardedFor   the {@code X-Forwarded-For} header or ""
 * @param userAgent      the {@code User-Agent} header or ""
 * @param session        the client's session id for affinity, or null
 * @param timing         time spent waiting on upstreams (for {@code x-spacegate-overhead-ms})
 */
public record ClientCall(
        Operation operation,
        RequestBody body,
        String model,
        boolean stream,
        String alt,
        String clientKey,
        Map<String, String> clientHeaders,
        String requestId,
        long startNanos,
        String clientIp,
        String forwardedFor,
        String userAgent,
        String session,
        Timing timing) {

    /** Milliseconds the gateway itself spent on this call so far (upstream waits left out). */
    public long overheadMs() {
        long total = System.nanoTime() - startNanos;
        return Math.max(0, (total - timing.upstreamNanos()) / 1_000_000);
    }

    /** Accumulates upstream wait time of one call (touched by the call's own thread only). */
    public static final class Timing {
        private long upstreamNanos;

        public void addUpstream(long nanos) {
            upstreamNanos += nanos;
        }

        public long upstreamNanos() {
            return upstreamNanos;
        }
    }
}
