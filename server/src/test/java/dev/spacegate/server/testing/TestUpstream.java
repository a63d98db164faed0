package dev.spacegate.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/** A real HTTP + WebSocket upstream on loopback for forwarder tests: echoes, SSE, slow and large answers. */
public final class TestUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Size of the random body served at {@code /blob}. */
    public static final int BLOB_BYTES = 12 * 1024 * 1024 + 7;
    /** A gzip-encoded JSON body served as is at {@code /gzipped}. */
    public static final byte[] GZIPPED = gzip("{\"zipped\":true}");
    /** Counted down when a client of {@code /endless} has gone away (a write to it failed). */
    public static final CountDownLatch ENDLESS_CUT = new CountDownLatch(1);
    private final WebServer server;

    private TestUpstream(WebServer server) {
        this.server = server;
    }

    public static TestUpstream start() {
        WebServer server = WebServer.builder()
                .host("127.0.0.1").port(0)
                .routing(r -> r
                        .get("/sse", (req, res) -> {
                            res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/event-stream"));
                            try (OutputStream os = res.outputStream()) {
                                for (int i = 1; i <= 4; i++) {
                                    os.write(("data: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
                                    os.flush();
                                    if (i < 4) {
                                        Thread.sleep(200);
                                    }
                                }
                            }
                        })
                        .get("/json", (req, res) -> {
                            StringBuilder sb = new StringBuilder("{\"items\":[");
                            for (int i = 0; i < 2000; i++) {
                                sb.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"item\"}");
                            }
                            res.header(HeaderValues.CONTENT_TYPE_JSON);
                            res.send(sb.append("]}").toString().getBytes(StandardCharsets.UTF_8));
                        })
                        .get("/blob", (req, res) -> {
                            byte[] blob = new byte[BLOB_BYTES];
                            new java.util.Random(11).nextBytes(blob);
                            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
                            res.send(blob);
                        })
                        .get("/cookies", (req, res) -> {
                            res.header(HeaderNames.SET_COOKIE, "a=1; Path=/", "b=2; Path=/");
                            res.send("two cookies");
                        })
                        .get("/gzipped", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "application/json");
                            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
                            res.send(GZIPPED);
                        })
                        .get("/endless", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                            try (OutputStream os = res.outputStream()) {
                                for (int i = 0; i < 600; i++) {
                                    os.write(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                                    os.flush();
                                    Thread.sleep(50);
                                }
                            } catch (UncheckedIOException | IOException e) {
                                ENDLESS_CUT.countDown();
                            }
                        })
                        .get("/redirect", (req, res) -> {
                            res.status(Status.FOUND_302).header(HeaderNames.LOCATION, "/json").send();
                        })
                        .get("/slow", (req, res) -> {
                            Thread.sleep(3000);
                            res.send("late");
                        })
                        .any("/echo/*", (req, res) -> {
                            ObjectNode out = JSON.createObjectNode();
                            out.put("method", req.prologue().method().text());
                            out.put("path", req.path().rawPath());
                            out.put("query", req.query().rawValue());
                            ObjectNode headers = out.putObject("headers");
                            for (Header h : req.headers()) {
                                headers.put(h.name().toLowerCase(), String.join(", ", h.allValues()));
                            }
                            if (req.content().hasEntity()) {
                                MessageDigest md = MessageDigest.getInstance("SHA-256");
                                long n = 0;
                                byte[] buf = new byte[65536];
                                try (InputStream in = req.content().inputStream()) {
                                    int got;
                                    while ((got = in.read(buf)) > 0) {
                                        md.update(buf, 0, got);
                                        n += got;
                                    }
                                }
                                out.put("bodyBytes", n);
                                out.put("bodySha256", HexFormat.of().formatHex(md.digest()));
                            }
                            res.header(HeaderNames.create("Keep-Alive"), "timeout=5");
                            res.header(HeaderValues.CONTENT_TYPE_JSON);
                            res.send(out.toString().getBytes(StandardCharsets.UTF_8));
                        }))
                .addRouting(WsRouting.builder().endpoint("/ws/echo", new WsListener() {
                    @Override
                    public void onMessage(WsSession session, String text, boolean last) {
                        session.send("echo:" + text, last);
                    }

                    @Override
                    public void onMessage(WsSession session, BufferData buffer, boolean last) {
                        session.send(buffer, last);
                    }
                }))
                .build()
                .start();
        return new TestUpstream(server);
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
