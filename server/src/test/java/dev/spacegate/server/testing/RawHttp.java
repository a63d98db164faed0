package dev.spacegate.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Sends a hand-written HTTP/1.1 request over a socket, for what normal clients refuse to send (raw paths, Host). */
public final class RawHttp {
    private RawHttp() {
    }

    /** Sends the request head (CRLFs added) and returns the response head and its Content-Length body as text. */
    public static String exchange(int port, String... headLines) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            StringBuilder head = new StringBuilder();
            for (String line : headLines) {
                head.append(line).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return response(s.getInputStream());
        }
    }

    /** Reads one response (head and its Content-Length body) as text; what arrived when the connection ends. */
    public static String response(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int end = -1;
        while (end < 0) {
            int b = in.read();
            if (b < 0) {
                return all.toString(StandardCharsets.UTF_8);
            }
            all.write(b);
            String sofar = all.toString(StandardCharsets.ISO_8859_1);
            if (sofar.endsWith("\r\n\r\n")) {
                end = all.size();
            }
        }
        String responseHead = all.toString(StandardCharsets.ISO_8859_1);
        long length = responseHead.lines()
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .mapToLong(l -> Long.parseLong(l.substring(15).trim())).findFirst().orElse(0);
        all.write(in.readNBytes((int) length));
        return all.toString(StandardCharsets.UTF_8);
    }
}
