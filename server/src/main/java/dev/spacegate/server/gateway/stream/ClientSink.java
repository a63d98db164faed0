package dev.spacegate.server.gateway.stream;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Where the gateway writes its answer to one client request: an HTTP response or a WebSocket.
 *
 * <p>Nothing reaches the client before {@link #full} or {@link #open}; until then the dispatcher may still
 * fail over to another credential. Write failures mean the client went away and surface as
 * {@link ClientGoneException}.
 */
public interface ClientSink {

    /** The client closed its connection. */
    final class ClientGoneException extends IOException {
        public ClientGoneException() {
            super("client went away", null);
        }
    }

    /** A complete, non-streamed answer. */
    void full(int status, String contentType, byte[] body, Map<String, String> headers, long overheadMs)
            throws IOException;

    /**
     * Starts a stream (headers go out if they have not already with a keep-alive, which drops the extra
     * {@code headers}).
     */
    void open(long overheadMs, Map<String, String> headers) throws IOException;

    /** Whether headers (or anything else) already went out; after this, errors become stream events. */
    boolean committed();

    /** One complete SSE event, forwarded as is. */
    void event(byte[] buf, int off, int len) throws IOException;

    /** Raw bytes of a non-SSE stream (Gemini without {@code alt=sse}). */
    void raw(byte[] buf, int off, int len) throws IOException;

    /** Ends the stream. */
    void close() throws IOException;

    /** Called when the client is found gone by a keep-alive (so the upstream call can be cancelled). */
    void onGone(Runnable action);

    /**
     * Keeps a quiet connection alive while the gateway waits: SSE comments for streams, blank lines before
     * a JSON answer otherwise (JSON parsers skip leading whitespace); a zero interval does nothing.
     */
    void keepAlive(boolean sse, Duration interval);
}
