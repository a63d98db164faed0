package dev.spacegate.server.outbound;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The client side of a SOCKS5 CONNECT (RFC 1928), with username/password authentication (RFC 1929). */
final class Socks5 {
    private static final int VERSION = 5;
    private static final int NO_AUTH = 0;
    private static final int USER_PASS = 2;
    private static final String[] REPLIES = {"succeeded", "general SOCKS server failure",
        "connection not allowed by ruleset", "network unreachable", "host unreachable", "connection refused",
        "TTL expired", "command not supported", "address type not supported"};

    private Socks5() {
    }

    /** Asks the proxy on {@code socket} to connect to {@code host:port}; names are resolved by the proxy. */
    static void connect(Socket socket, ProxySpec proxy, String host, int port) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        boolean auth = proxy.user() != null;
        out.write(auth ? new byte[] {VERSION, 2, NO_AUTH, USER_PASS} : new byte[] {VERSION, 1, NO_AUTH});
        out.flush();
        byte[] choice = readExactly(in, 2);
        if (choice[0] != VERSION) {
            throw new IOException("the SOCKS proxy did not answer as SOCKS5");
        }
        int method = choice[1] & 0xff;
        if (method == USER_PASS && auth) {
            byte[] u = proxy.user().getBytes(StandardCharsets.UTF_8);
            byte[] p = proxy.password().getBytes(StandardCharsets.UTF_8);
            if (u.length > 255 || p.length > 255) {
                throw new IOException("SOCKS5 user name and password are limited to 255 bytes each");
            }
            byte[] msg = new byte[3 + u.length + p.length];
            msg[0] = 1;
            msg[1] = (byte) u.length;
            System.arraycopy(u, 0, msg, 2, u.length);
            msg[2 + u.length] = (byte) p.length;
            System.arraycopy(p, 0, msg, 3 + u.length, p.length);
            out.write(msg);
            out.flush();
            byte[] status = readExactly(in, 2);
            if (status[1] != 0) {
                throw new IOException("the SOCKS proxy rejected the user name or password");
            }
        } else if (method != NO_AUTH) {
            throw new IOException(!auth && (method == USER_PASS || method == 0xff)
                    ? "the SOCKS proxy wants a user name and password; put them in the proxy URL"
                    : "the SOCKS proxy accepts none of the offered authentication methods");
        }
        byte[] address = address(host);
        byte[] req = new byte[3 + address.length + 2];
        req[0] = VERSION;
        req[1] = 1; // CONNECT
        req[2] = 0;
        System.arraycopy(address, 0, req, 3, address.length);
        req[req.length - 2] = (byte) (port >> 8);
        req[req.length - 1] = (byte) port;
        out.write(req, 0, req.length);
        out.flush();
        byte[] head = readExactly(in, 4);
        int rep = head[1] & 0xff;
        if (head[0] != VERSION || rep != 0) {
            throw new IOException("the SOCKS proxy could not connect: "
                    + (rep < REPLIES.length ? REPLIES[rep] : "reply " + rep));
        }
        int skip = switch (head[3]) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> readExactly(in, 1)[0] & 0xff;
            default -> throw new IOException("the SOCKS proxy sent an unknown address type");
        };
        readExactly(in, skip + 2);
    }

    /** Address type byte and address: IPv4 and IPv6 literals as such, anything else as a name. */
    private static byte[] address(String host) throws IOException {
        byte[] literal = literal(host);
        if (literal != null) {
            byte[] a = new byte[1 + literal.length];
            a[0] = (byte) (literal.length == 4 ? 1 : 4);
            System.arraycopy(literal, 0, a, 1, literal.length);
            return a;
        }
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        if (name.length > 255) {
            throw new IOException("the upstream host name is too long for SOCKS5");
        }
        byte[] a = new byte[2 + name.length];
        a[0] = 3;
        a[1] = (byte) name.length;
        System.arraycopy(name, 0, a, 2, name.length);
        return a;
    }

    private static byte[] literal(String host) {
        boolean v4 = host.chars().allMatch(c -> c == '.' || Character.isDigit(c)) && host.chars()
                .filter(c -> c == '.').count() == 3;
        if (!v4 && host.indexOf(':') < 0) {
            return null;
        }
        try {
            // a literal never causes a lookup
            return InetAddress.getByName(host).getAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the SOCKS proxy closed the connection");
        }
        return b;
    }
}
