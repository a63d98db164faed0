package dev.spacegate.server.gateway.execute;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * A client's JSON body, scanned once with a streaming parser: validated, with the top-level fields the gateway
 * needs and their byte positions, so the body can be passed upstream byte for byte except the model name.
 */
public final class RequestBody {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] INCLUDE_USAGE = "\"stream_options\":{\"include_usage\":true},"
            .getBytes(StandardCharsets.US_ASCII);

    private final byte[] bytes;
    private String model;
    private int modelStart = -1;
    private int modelEnd = -1;
    private boolean stream;
    private boolean hasStreamOptions;
    private int objectStart = -1;
    private String reasoningEffort;
    private String serviceTier;
    private String sessionId;
    private String promptCacheKey;
    private String conversation;
    private String metadataUserId;
    private String conversationId;

    /** The body is not a JSON object. */
    public static final class MalformedException extends Exception {
        public MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    private RequestBody(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Scans a body; empty bodies are malformed. */
    public static RequestBody scan(byte[] bytes) throws MalformedException {
        RequestBody b = new RequestBody(bytes);
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedException("request body must be a JSON object");
            }
            b.objectStart = (int) p.currentTokenLocation().getByteOffset();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                b.field(p, name, p.nextToken());
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT) {
                throw new MalformedException("request body is not valid JSON");
            }
            if (p.nextToken() != null) {
                throw new MalformedException("request body has trailing data after the JSON object");
            }
        } catch (IOException e) {
            throw new MalformedException("request body is not valid JSON");
        }
        return b;
    }

    /** Notes one top-level field whose value {@code v} the parser stands on. */
    private void field(JsonParser p, String name, JsonToken v) throws IOException {
        switch (name) {
            case "model" -> {
                if (v == JsonToken.VALUE_STRING) {
                    model = p.getText();
                    modelStart = (int) p.currentTokenLocation().getByteOffset();
                    modelEnd = (int) p.currentLocation().getByteOffset();
                }
            }
            case "stream" -> stream = v == JsonToken.VALUE_TRUE;
            case "stream_options" -> hasStreamOptions = true;
            case "reasoning_effort" -> reasoningEffort = text(p, v);
            case "service_tier" -> serviceTier = text(p, v);
            case "session_id", "sessionId" -> sessionId = text(p, v);
            case "prompt_cache_key" -> promptCacheKey = text(p, v);
            case "conversation_id" -> conversationId = text(p, v);
            case "conversation" -> {
                if (v == JsonToken.VALUE_STRING) {
                    conversation = p.getText();
                } else if (v == JsonToken.START_OBJECT) {
                    conversation = innerText(p, "id", conversation);
                }
            }
            case "metadata" -> {
                if (v == JsonToken.START_OBJECT) {
                    metadataUserId = innerText(p, "user_id", metadataUserId);
                }
            }
            case "reasoning" -> {
                if (v == JsonToken.START_OBJECT) {
                    reasoningEffort = innerText(p, "effort", reasoningEffort);
                }
            }
            default -> {
            }
        }
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
        return v == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    /** Reads an object up to its end: the string field {@code inner}, else {@code current}. */
    private static String innerText(JsonParser p, String inner, String current) throws IOException {
        String found = current;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String n = p.currentName();
            JsonToken iv = p.nextToken();
            if (n.equals(inner) && iv == JsonToken.VALUE_STRING) {
                found = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    public byte[] bytes() {
        return bytes;
    }

    /** The top-level {@code model}, or null. */
    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    public String reasoningEffort() {
        return reasoningEffort;
    }

    public String serviceTier() {
        return serviceTier;
    }

    /** The body's session hint for affinity, in CLIProxyAPI's order of preference, or null. */
    public String sessionHint() {
        for (String s : new String[]{sessionId, promptCacheKey, conversation, metadataUserId, conversationId}) {
            if (s != null && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }

    /**
     * The body to send upstream: the original bytes, with the model replaced when it differs and, when asked,
     * {@code stream_options.include_usage} added so the stream ends with token counts.
     */
    public byte[] forUpstream(String upstreamModel, boolean addIncludeUsage) {
        boolean swap = model != null && upstreamModel != null && !upstreamModel.equals(model) && modelStart >= 0;
        boolean usage = addIncludeUsage && !hasStreamOptions && objectStart >= 0;
        if (!swap && !usage) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        int pos = 0;
        if (usage) {
            out.write(bytes, 0, objectStart + 1);
            out.writeBytes(INCLUDE_USAGE);
            pos = objectStart + 1;
        }
        if (swap) {
            out.write(bytes, pos, modelStart - pos);
            out.write('"');
            out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(upstreamModel));
            out.write('"');
            pos = modelEnd;
        }
        out.write(bytes, pos, bytes.length - pos);
        return out.toByteArray();
    }
}
