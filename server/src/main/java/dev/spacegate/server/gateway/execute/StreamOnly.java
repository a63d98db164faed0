package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * For upstreams that only stream (ChatGPT's Codex backend): a non-streaming call is sent with {@code "stream": true}
 * and the final {@code response.completed} event's response becomes the plain JSON answer.
 */
final class StreamOnly {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamOnly() {
    }

    /** The request body with {@code "stream": true}. */
    static byte[] streaming(byte[] body) throws IOException {
        JsonNode n = JSON.readTree(body);
        if (!(n instanceof ObjectNode o)) {
            return body;
        }
        o.put("stream", true);
        return JSON.writeValueAsBytes(o);
    }

    /** The response object of the stream's {@code response.completed} (or {@code response.done}) event, or null. */
    static byte[] completed(byte[] sse) throws IOException {
        for (String line : new String(sse, StandardCharsets.UTF_8).split("\r?\n")) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).trim();
            if (!data.startsWith("{")) {
                continue;
            }
            JsonNode ev;
            try {
                ev = JSON.readTree(data);
            } catch (IOException e) {
                continue;
            }
            String type = ev.path("type").asText("");
            if ((type.equals("response.completed") || type.equals("response.done")) && ev.path("response").isObject()) {
                return JSON.writeValueAsBytes(ev.get("response"));
            }
        }
        return null;
    }
}
