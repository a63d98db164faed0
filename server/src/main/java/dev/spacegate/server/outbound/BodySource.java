package dev.spacegate.server.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A request body: bytes in memory, or a stream of known (content-length) or unknown (chunked) length. */
public sealed interface BodySource {
    /** The length in bytes, or -1 to send the body chunked. */
    long length();

    /** Whether the body can be sent a second time (after a dropped kept-alive connection). */
    boolean replayable();

    void writeTo(OutputStream out) throws IOException;

    /** A body held in memory. */
    record Bytes(byte[] bytes) implements BodySource {
        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public boolean replayable() {
            return true;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes);
        }
    }

    /** A body read from a stream as it is sent, each read flushed so a slow sender's bytes go out at once. */
    record Streamed(InputStream in, long length) implements BodySource {
        @Override
        public boolean replayable() {
            return false;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            byte[] buf = new byte[16 * 1024];
            long left = length;
            int n;
            while ((length < 0 || left > 0) && (n = in.read(buf, 0, length < 0 ? buf.length
                    : (int) Math.min(buf.length, left))) >= 0) {
                if (length < 0) {
                    if (n == 0) {
                        continue;
                    }
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(buf, 0, n);
                    out.write(CRLF);
                } else {
                    out.write(buf, 0, n);
                    left -= n;
                }
                out.flush();
            }
            if (length < 0) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else if (left > 0) {
                throw new IOException("the request body ended " + left + " bytes early");
            }
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }
}
