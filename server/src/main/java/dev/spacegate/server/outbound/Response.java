package dev.spacegate.server.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * An upstream's answer: status, headers (names in lower case) and a body read as it arrives. Reading the body
 * to its end hands the connection back to the pool; {@link #close()} before that closes the socket, which also
 * cancels a body another thread is still reading.
 */
public final class Response implements AutoCloseable {
    private final int status;
    private final String reason;
    private final Map<String, List<String>> headers;
    private final Body body;
    private final Connection connection;
    private final OutboundClient owner;
    private final boolean reusable;
    private final AtomicBoolean finished = new AtomicBoolean();

    Response(int status, String reason, Map<String, List<String>> headers, Connection connection,
             OutboundClient owner, boolean bodyless) {
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.connection = connection;
        this.owner = owner;
        String conn = first("connection").orElse("").toLowerCase(Locale.ROOT);
        String te = first("transfer-encoding").orElse("").toLowerCase(Locale.ROOT);
        long length = first("content-length").map(Response::length).orElse(-1L);
        if (bodyless) {
            body = new Body(0, false);
        } else if (te.contains("chunked")) {
            body = new Body(-1, true);
        } else {
            body = new Body(length, false);
        }
        reusable = !conn.contains("close") && (bodyless || te.contains("chunked") || length >= 0);
        if (bodyless || length == 0 && !te.contains("chunked")) {
            body.eof = true;
            end();
        }
    }

    public int status() {
        return status;
    }

    /** The status line's reason phrase (may be empty). */
    public String reason() {
        return reason;
    }

    /** All headers, names in lower case, values in the order received. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header (name in any case). */
    public Optional<String> first(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The body as sent (still content-encoded, if the upstream encoded it). */
    public InputStream body() {
        return body;
    }

    /** The body with a gzip or deflate content encoding undone. */
    public InputStream decodedBody() throws IOException {
        String enc = first("content-encoding").orElse("").trim().toLowerCase(Locale.ROOT);
        return switch (enc) {
            case "gzip", "x-gzip" -> new GZIPInputStream(body, 8192);
            case "deflate" -> new InflaterInputStream(body);
            default -> body;
        };
    }

    /** The length of {@link #decodedBody()} when the framing declares it (no content encoding), else -1. */
    public long decodedLength() {
        return first("content-encoding").isPresent() ? -1 : first("content-length").map(Response::length).orElse(-1L);
    }

    /** Releases the response: a fully read body keeps its connection for reuse; otherwise the socket is closed. */
    @Override
    public void close() {
        if (finished.compareAndSet(false, true)) {
            connection.close();
        }
    }

    private void end() {
        if (finished.compareAndSet(false, true)) {
            if (reusable && connection.drained()) {
                owner.release(connection);
            } else {
                connection.close();
            }
        }
    }

    private static long length(String v) {
        try {
            long n = Long.parseLong(v.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Body framing: content-length, chunked, or until the upstream closes (length -1, not chunked). */
    private final class Body extends InputStream {
        private long remaining;
        private final boolean chunked;
        private boolean eof;

        Body(long length, boolean chunked) {
            this.remaining = chunked ? 0 : length;
            this.chunked = chunked;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (eof) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (chunked && remaining == 0 && !nextChunk()) {
                return finish();
            }
            int want = remaining < 0 ? len : (int) Math.min(len, remaining);
            int n;
            try {
                n = connection.read(b, off, want);
            } catch (IOException e) {
                close();
                throw e;
            }
            if (n < 0) {
                if (remaining < 0) {
                    return finish();
                }
                close();
                throw new IOException("the upstream closed the connection before the body ended");
            }
            if (remaining > 0) {
                remaining -= n;
                if (remaining == 0 && !chunked) {
                    finish();
                }
            }
            return n;
        }

        /** Reads the next chunk header; false at the last (zero) chunk, whose trailers are skipped. */
        private boolean nextChunk() throws IOException {
            try {
                String line = connection.readLine();
                if (line.isEmpty()) {
                    line = connection.readLine(); // the CRLF that ends the previous chunk's data
                }
                int semi = line.indexOf(';');
                long size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
                if (size < 0) {
                    throw new NumberFormatException();
                }
                if (size == 0) {
                    while (!connection.readLine().isEmpty()) {
                        // trailers are not used
                    }
                    return false;
                }
                remaining = size;
                return true;
            } catch (NumberFormatException e) {
                close();
                throw new IOException("the upstream sent a malformed chunk header");
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        private int finish() {
            eof = true;
            end();
            return -1;
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public void close() {
            if (!eof) {
                Response.this.close();
            }
        }
    }
}
