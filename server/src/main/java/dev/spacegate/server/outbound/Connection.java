package dev.spacegate.server.outbound;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One open socket to an upstream (possibly through a proxy) with its own read buffer for response heads. A read
 * that waits longer than the read timeout is ended by the {@link ReadWatchdog} and fails with a
 * {@link SocketTimeoutException}, as {@code SO_TIMEOUT} would.
 */
final class Connection {
    private static final int MAX_LINE = 64 * 1024;

    final OutboundClient.Route route;
    private final Socket socket;
    /** The TCP socket under a TLS one (the same socket without TLS): closing it ends a read in progress. */
    private final Socket tcp;
    private final long readTimeoutNanos;
    private volatile long readingSince;
    private volatile boolean timedOut;
    private final InputStream in;
    private final OutputStream out;
    /**
     * Response heads, chunk headers and the body bytes read with them pass through here; larger reads of a
     * declared length bypass it. 4 KiB: a streamed answer holds this buffer for as long as it lasts (1,000 open
     * streams, 4 MB).
     */
    private final byte[] buf = new byte[4 * 1024];
    private int pos;
    private int lim;
    /** Bytes of the current response seen so far: a reused connection that fails before any may be retried. */
    private long received;
    long idleSince;
    boolean reused;

    Connection(OutboundClient.Route route, Socket socket, Socket tcp, long readTimeoutNanos) throws IOException {
        this.route = route;
        this.socket = socket;
        this.tcp = tcp;
        this.readTimeoutNanos = readTimeoutNanos;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    OutputStream output() {
        return out;
    }

    void startResponse() {
        received = 0;
    }

    boolean receivedAnything() {
        return received > 0 || pos < lim;
    }

    /** One CRLF- (or LF-) terminated line without its terminator; EOF before any byte is an {@link EOFException}. */
    String readLine() throws IOException {
        StringBuilder sb = null;
        while (true) {
            if (pos == lim && fill() < 0) {
                throw new EOFException("the upstream closed the connection");
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            if (pos < lim) {
                int end = pos;
                pos++;
                if (end > start && buf[end - 1] == '\r') {
                    end--;
                } else if (end == start && sb != null && !sb.isEmpty() && sb.charAt(sb.length() - 1) == '\r') {
                    sb.setLength(sb.length() - 1);
                }
                String tail = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(new String(buf, start, pos - start, StandardCharsets.ISO_8859_1));
            if (sb.length() > MAX_LINE) {
                throw new IOException("the upstream sent a header line longer than " + MAX_LINE + " bytes");
            }
        }
    }

    /** Reads up to {@code len} body bytes; -1 at the end of the stream. */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos < lim) {
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        if (len >= buf.length) {
            int n = socketRead(b, off, len);
            if (n > 0) {
                received += n;
            }
            return n;
        }
        if (fill() < 0) {
            return -1;
        }
        return read(b, off, len);
    }

    private int fill() throws IOException {
        pos = 0;
        lim = 0;
        int n = socketRead(buf, 0, buf.length);
        if (n > 0) {
            lim = n;
            received += n;
        }
        return n;
    }

    private int socketRead(byte[] b, int off, int len) throws IOException {
        if (readTimeoutNanos <= 0) {
            return in.read(b, off, len);
        }
        if (timedOut) {
            throw new SocketTimeoutException("Read timed out");
        }
        ReadWatchdog watchdog = ReadWatchdog.get();
        readingSince = System.nanoTime();
        watchdog.begin(this);
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            if (timedOut) {
                throw new SocketTimeoutException("Read timed out");
            }
            throw e;
        } finally {
            watchdog.end(this);
        }
    }

    /** Called by the watchdog for a read in progress. */
    void expireIfOverdue(long now) {
        if (!timedOut && now - readingSince > readTimeoutNanos) {
            timedOut = true;
            try {
                tcp.close();
            } catch (IOException e) {
                // the read ends either way
            }
        }
    }

    /** True when nothing of a previous response is left unread (a precondition for reuse). */
    boolean drained() {
        return pos == lim;
    }

    boolean isOpen() {
        return !timedOut && !socket.isClosed();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
