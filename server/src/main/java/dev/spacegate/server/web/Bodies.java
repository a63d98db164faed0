package dev.spacegate.server.web;

import java.io.IOException;
import java.io.InputStream;

/** Reads a whole body into memory up to a cap, in one allocation when its length is declared. */
public final class Bodies {
    private Bodies() {
    }

    /**
     * The body, or null when it is longer than {@code limit}. {@code declared} is its length when the framing says
     * it (Content-Length of a body that is not content-encoded), else -1. A declared length is not trusted for
     * allocation: {@link InputStream#readNBytes(int)} grows in 16 KiB steps, so a large declaration without the
     * bytes behind it pins nothing; a small body (every chat request and most answers) is one exact array.
     */
    public static byte[] read(InputStream in, long declared, long limit) throws IOException {
        if (declared > limit) {
            return null;
        }
        if (declared >= 0) {
            return in.readNBytes((int) Math.min(declared, Integer.MAX_VALUE - 8));
        }
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        return b.length > limit ? null : b;
    }
}
