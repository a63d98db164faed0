package dev.spacegate.server.routing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Caps a request body stream; chunked bodies have no Content-Length, so the cap is enforced while reading. */
public final class BodyLimit extends FilterInputStream {

    /** Thrown from {@code read} once the body passes the limit; the router turns it into a 413. */
    public static final class TooLargeException extends RuntimeException {
        public TooLargeException(long limit) {
            super("request body is larger than the limit of " + limit + " bytes");
        }
    }

    private final long limit;
    private long seen;

    public BodyLimit(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        seen += n;
        if (seen > limit) {
            throw new TooLargeException(limit);
        }
    }

    /** Finds a {@link TooLargeException} among the causes of a failure, if the body limit caused it. */
    public static TooLargeException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TooLargeException tl) {
                return tl;
            }
        }
        return null;
    }
}
