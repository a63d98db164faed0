package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the test database that can cut it (every connection reset, new ones refused at once) or
 * black-hole it (connections stay open, no byte moves either way) and bring it back.
 */
final class DbProxy implements AutoCloseable {
    enum Mode { PASS, CUT, BLACKHOLE }

    private final ServerSocket server;
    private final String host;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.PASS;

    DbProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("db-proxy-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Resets every connection; new ones are closed as soon as they are accepted. */
    void cut() {
        mode = Mode.CUT;
        open.forEach(DbProxy::closeQuietly);
        open.clear();
    }

    /** Keeps connections open but moves no bytes until {@link #restore}. */
    void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    void restore() {
        synchronized (gate) {
            mode = Mode.PASS;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (mode == Mode.CUT) {
                    closeQuietly(client);
                    continue;
                }
                open.add(client);
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitPass();
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(host, port), 5_000);
            open.add(upstream);
            Thread.ofVirtual().start(() -> pipe(client, upstream));
            pipe(upstream, client);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                awaitPass();
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // cut, or the other side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /**
     * Moves no byte while black-holed; a connection that lived through a black hole is dropped afterwards (its
     * bytes were lost on the way, as a peer's timeout would end it), so nothing held back arrives late.
     */
    private void awaitPass() throws InterruptedException, IOException {
        boolean held = false;
        synchronized (gate) {
            while (mode == Mode.BLACKHOLE) {
                held = true;
                gate.wait();
            }
        }
        if (mode == Mode.CUT || held) {
            throw new IOException("cut");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        restore();
        server.close();
        open.forEach(DbProxy::closeQuietly);
    }
}
