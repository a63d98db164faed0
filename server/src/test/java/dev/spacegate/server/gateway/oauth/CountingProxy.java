package dev.spacegate.server.gateway.oauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP forward proxy on loopback that counts what goes through it: {@code CONNECT host:port} tunnels and
 * absolute-form requests ({@code POST http://host:port/path HTTP/1.1}), one connection at a time per socket.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();

    CountingProxy() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            String first = head.substring(0, head.indexOf("\r\n"));
            String[] parts = first.split(" ");
            connections.incrementAndGet();
            if (parts[0].equals("CONNECT")) {
                String[] hp = parts[1].split(":");
                try (Socket target = new Socket(hp[0], Integer.parseInt(hp[1]))) {
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    pipe(client, target, in);
                }
                return;
            }
            URI u = URI.create(parts[1]);
            try (Socket target = new Socket(u.getHost(), u.getPort())) {
                String rest = head.substring(head.indexOf("\r\n"));
                String path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
                String rewritten = parts[0] + " " + path + " " + parts[2] + rest
                        .replaceAll("(?i)\r\nConnection: [^\r\n]*", "")
                        .replaceAll("(?i)\r\nProxy-Connection: [^\r\n]*", "");
                rewritten = rewritten.substring(0, rewritten.length() - 4) + "\r\nConnection: close\r\n\r\n";
                target.getOutputStream().write(rewritten.getBytes(StandardCharsets.ISO_8859_1));
                pipe(client, target, in);
            }
        } catch (IOException | RuntimeException e) {
            // one side hung up
        }
    }

    private static void pipe(Socket client, Socket target, InputStream clientIn) throws IOException {
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                copy(clientIn, target.getOutputStream());
            } catch (IOException e) {
                // closed
            }
        });
        try {
            copy(target.getInputStream(), client.getOutputStream());
        } finally {
            client.shutdownOutput();
            up.interrupt();
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
            if (state == 4) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
