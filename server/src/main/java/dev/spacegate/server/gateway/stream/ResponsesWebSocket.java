package dev.spacegate.server.gateway.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Header;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import dev.spacegate.server.providers.Operation;
import dev.spacegate.server.gateway.translate.base.SseEvent;

/**
 * Responses API over WebSocket (as Codex CLI uses it): each {@code response.create} frame becomes a streamed
 * {@code POST /responses} upstream, and each upstream SSE event goes back as one text frame. One socket runs
 * its requests one after another.
 */
public final class ResponsesWebSocket implements WsListener {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One {@code response.create} turned into a request body, with the socket's credentials. */
    public record Request(Operation operation, byte[] body, String key, String keySource, Map<String, String> headers,
                          String clientIp) {
    }

    /** Runs a request against the gateway, answering into the sink. */
    @FunctionalInterface
    public interface Runner {
        void run(Request r, ClientSink sink) throws IOException;
    }

    private final Runner runner;
    private final Operation operation;
    private final BiPredicate<String, String> admits;
    private final String clientIp;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    /** The largest message reassembled from frames, in characters. */
    static final int MAX_MESSAGE_CHARS = 32 * 1024 * 1024;
    private final StringBuilder partial = new StringBuilder();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Map<String, String> headers = new HashMap<>();
    private volatile String key;
    private volatile String keySource;
    private volatile Runnable onGone = () -> { };
    private volatile boolean closed;
    /** This socket's conversation so far (inputs and outputs), replayed for {@code previous_response_id}. */
    private ArrayNode history = JSON.createArrayNode();
    private String lastResponseId;

    /** @param clientIp the upgrade's resolved client address ({@code ClientAddress}), for the usage records */
    public ResponsesWebSocket(Runner runner, Operation operation, BiPredicate<String, String> admits,
                              String clientIp) {
        this.runner = runner;
        this.operation = operation;
        this.admits = admits;
        this.clientIp = clientIp;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers h) throws WsUpgradeException {
        for (Header header : h) {
            headers.putIfAbsent(header.name().toLowerCase(Locale.ROOT), header.get());
        }
        String auth = headers.get("authorization");
        if (auth != null && !auth.isBlank()) {
            key = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : auth.trim();
            keySource = "authorization";
        } else if (headers.containsKey("x-api-key")) {
            key = headers.get("x-api-key").trim();
            keySource = "x-api-key";
        } else if (prologue.query().contains("key")) {
            key = prologue.query().get("key");
            keySource = "query-key";
        }
        if (!admits.test(key, keySource)) {
            throw new WsUpgradeException(key == null ? "Missing API key" : "Invalid API key");
        }
        return Optional.empty();
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (partial.length() + text.length() > MAX_MESSAGE_CHARS) {
            // a message reassembled from frames is capped like a request body (1009: message too big)
            partial.setLength(0);
            partial.trimToSize();
            session.close(1009, "message larger than " + MAX_MESSAGE_CHARS / (1024 * 1024) + " MiB");
            return;
        }
        partial.append(text);
        if (!last) {
            return;
        }
        String frame = partial.toString();
        partial.setLength(0);
        worker.execute(() -> handle(session, frame));
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        closed = true;
        onGone.run();
        worker.shutdownNow();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        closed = true;
        onGone.run();
        worker.shutdownNow();
    }

    private void handle(WsSession session, String frame) {
        WsSink sink = new WsSink(session);
        try {
            JsonNode msg = JSON.readTree(frame);
            String type = msg.path("type").asText("");
            if (!type.equals("response.create")) {
                sink.sendError(400, "unsupported_frame", "expected a response.create frame, got '" + type + "'");
                return;
            }
            ObjectNode body = msg.path("response").isObject() ? ((ObjectNode) msg.path("response")).deepCopy()
                    : ((ObjectNode) msg).deepCopy();
            body.remove("type");
            body.put("stream", true);
            ArrayNode input = inputItems(body.path("input"));
            String previous = body.path("previous_response_id").asText("");
            if (!previous.isEmpty()) {
                // the upstream is plain HTTP and keeps no state: replay this socket's conversation instead
                if (!previous.equals(lastResponseId)) {
                    sink.sendError(400, "previous_response_not_found", "previous response " + previous
                            + " is not known on this connection");
                    return;
                }
                ArrayNode full = history.deepCopy();
                full.addAll(input);
                input = full;
                body.remove("previous_response_id");
            }
            body.set("input", input);
            runner.run(new Request(operation, JSON.writeValueAsBytes(body), key, keySource, headers, clientIp), sink);
            if (sink.completedId != null) {
                ArrayNode next = input.deepCopy();
                next.addAll(sink.outputItems);
                history = next;
                lastResponseId = sink.completedId;
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                sink.sendError(400, "invalid_json", "the frame is not a valid JSON object");
            }
        }
    }

    /** The Responses {@code input} as a list of items (a plain string is one user message). */
    private static ArrayNode inputItems(JsonNode input) {
        ArrayNode out = JSON.createArrayNode();
        if (input.isTextual()) {
            out.addObject().put("role", "user").put("content", input.asText());
        } else if (input.isArray()) {
            out.addAll((ArrayNode) input);
        }
        return out;
    }

    /** Sends gateway output as WebSocket text frames. */
    private final class WsSink implements ClientSink {
        private final WsSession session;
        private boolean sent;
        private final ArrayNode outputItems = JSON.createArrayNode();
        private String completedId;

        WsSink(WsSession session) {
            this.session = session;
        }

        void sendError(int status, String code, String message) {
            ObjectNode o = JSON.createObjectNode().put("type", "error").put("status", status);
            o.set("error", ErrorFamily.OPENAI.body(ClientError.of(status, code, message)).path("error"));
            text(o.toString());
        }

        private void text(String s) {
            if (closed) {
                return;
            }
            sendLock.lock();
            try {
                session.send(s, true);
                sent = true;
            } catch (RuntimeException e) {
                closed = true;
            } finally {
                sendLock.unlock();
            }
        }

        @Override
        public void full(int status, String contentType, byte[] body, Map<String, String> hdrs, long overheadMs) {
            String s = new String(body, StandardCharsets.UTF_8);
            if (status >= 400) {
                ObjectNode o = JSON.createObjectNode().put("type", "error").put("status", status);
                try {
                    JsonNode parsed = JSON.readTree(s);
                    o.set("error", parsed.has("error") ? parsed.path("error") : parsed);
                } catch (IOException e) {
                    o.putObject("error").put("message", s);
                }
                text(o.toString());
            } else {
                text(s);
            }
        }

        @Override
        public void open(long overheadMs, Map<String, String> headers) {
            // a WebSocket has no response headers per answer
        }

        @Override
        public boolean committed() {
            return sent;
        }

        @Override
        public void event(byte[] buf, int off, int len) throws IOException {
            if (closed) {
                throw new ClientGoneException();
            }
            SseEvent ev = SseFramer.parse(buf, off, len);
            if (ev.data() != null && !ev.data().equals("[DONE]")) {
                remember(ev.data());
                text(ev.data());
            }
            if (closed) {
                throw new ClientGoneException();
            }
        }

        /** Keeps the output items and the id of a completed response for the next turn. */
        private void remember(String data) {
            if (!data.contains("response.output_item.done") && !data.contains("response.completed")) {
                return;
            }
            try {
                JsonNode n = JSON.readTree(data);
                switch (n.path("type").asText()) {
                    case "response.output_item.done" -> {
                        if (n.path("item").isObject()) {
                            outputItems.add(n.path("item"));
                        }
                    }
                    case "response.completed" -> completedId = n.path("response").path("id").asText(null);
                    default -> {
                    }
                }
            } catch (IOException e) {
                // not JSON: nothing to remember
            }
        }

        @Override
        public void raw(byte[] buf, int off, int len) throws IOException {
            text(new String(buf, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }

        @Override
        public void onGone(Runnable action) {
            onGone = action;
            if (closed) {
                action.run();
            }
        }

        @Override
        public void keepAlive(boolean sse, java.time.Duration interval) {
            // WebSocket has its own pings
        }
    }
}
