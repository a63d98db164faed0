package dev.spacegate.server.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ServerSocketFactory;

/**
 * An HTTP/1.1 server on loopback whose answers are written byte for byte by the test, so every framing
 * (content-length, chunked, until close, early close) can be produced on a real socket.
 */
final class ScriptedServer implements AutoCloseable {
    /** One request as received, with the number of the connection it came on. */
    record Request(int connection, String line, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Writes the answer; returns false to close the connection afterwards. */
    interface Handler {
        boolean answer(Request req, OutputStream out, Socket socket) throws Exception;
    }

    private final ServerSocket socket;
    private final Handler handler;
    final AtomicInteger connections = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<Socket> open = new CopyOnWriteArrayList<>();

    ScriptedServer(Handler handler) throws IOException {
        this(ServerSocketFactory.getDefault(), handler);
    }

    ScriptedServer(ServerSocketFactory factory, Handler handler) throws IOException {
        this.handler = handler;
        this.socket = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                int id = connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
                }
                byte[] body;
                if (headers.containsKey("content-length")) {
                    body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
                } else if ("chunked".equals(headers.get("transfer-encoding"))) {
                    body = readChunked(in);
                } else {
                    body = new byte[0];
                }
                Request r = new Request(id, lines[0], headers, body);
                requests.add(r);
                if (!handler.answer(r, out, s)) {
                    return;
                }
                out.flush();
            }
        } catch (Exception e) {
            // the client went away
        } finally {
            open.remove(s);
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            String size = readLine(in);
            int n = Integer.parseInt(size.trim(), 16);
            if (n == 0) {
                readLine(in);
                return b.toByteArray();
            }
            b.write(in.readNBytes(n));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while (state < 4 && (c = in.read()) >= 0) {
            b.write(c);
            state = c == '\r' ? (state == 0 || state == 2 ? state + 1 : 1) : c == '\n' && (state == 1 || state == 3)
                    ? state + 1 : 0;
        }
        return state < 4 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
