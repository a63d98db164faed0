package dev.spacegate.server.outbound;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;

/**
 * Real proxy servers from Debian's packages, started on loopback for a test class: Dante (SOCKS5) and tinyproxy
 * (HTTP, with CONNECT). ci/install-proxy-test-deps.sh installs both and creates the SOCKS test user.
 */
public final class ProxyDaemons {
    public static final String SOCKS_USER = "spacegate-socks";
    public static final String SOCKS_PASSWORD = "socks-test-not-secret";
    public static final String HTTP_USER = "proxyuser";
    public static final String HTTP_PASSWORD = "proxy-test-not-secret";

    private ProxyDaemons() {
    }

    /** A started daemon; closing it stops the process. */
    public record Daemon(Process process, int port) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Dante on a free port; with {@code auth} it requires the SOCKS test user (RFC 1929). */
    public static Daemon dante(Path dir, boolean auth) throws Exception {
        Path bin = Path.of("/usr/sbin/danted");
        Assumptions.assumeTrue(Files.isExecutable(bin), "dante-server is not installed (ci/install-proxy-test-deps.sh)");
        int port = freePort();
        Path conf = dir.resolve("danted-" + port + ".conf");
        Files.writeString(conf, """
                logoutput: stderr
                internal: 127.0.0.1 port = %d
                external: 127.0.0.1
                clientmethod: none
                socksmethod: %s
                user.privileged: root
                user.unprivileged: nobody
                client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
                socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 command: connect }
                """.formatted(port, auth ? "username" : "none"));
        return start(new ProcessBuilder(bin.toString(), "-f", conf.toString(), "-N", "1"), dir, port);
    }

    /** tinyproxy on a free port, requiring the HTTP test user (Basic). */
    public static Daemon tinyproxy(Path dir) throws Exception {
        Path bin = Path.of("/usr/bin/tinyproxy");
        Assumptions.assumeTrue(Files.isExecutable(bin), "tinyproxy is not installed (ci/install-proxy-test-deps.sh)");
        int port = freePort();
        Path conf = dir.resolve("tinyproxy-" + port + ".conf");
        Files.writeString(conf, """
                Port %d
                Listen 127.0.0.1
                Timeout 60
                LogLevel Error
                MaxClients 200
                BasicAuth %s %s
                DisableViaHeader Yes
                """.formatted(port, HTTP_USER, HTTP_PASSWORD));
        return start(new ProcessBuilder(bin.toString(), "-d", "-c", conf.toString()), dir, port);
    }

    private static Daemon start(ProcessBuilder pb, Path dir, int port) throws Exception {
        Process p = pb.redirectErrorStream(true).redirectOutput(dir.resolve("proxy-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new Daemon(p, port);
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("proxy exited: " + Files.readString(dir.resolve("proxy-" + port + ".log")));
                }
                Thread.sleep(50);
            }
        }
        p.destroy();
        throw new IllegalStateException("proxy did not start on port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
