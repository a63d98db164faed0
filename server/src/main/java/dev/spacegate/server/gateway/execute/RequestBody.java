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
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            b.model = p.getText();
                            b.modelStart = (int) p.currentTokenLocation().getByteOffset();
                            b.modelEnd = (int) p.currentLocation().getByteOffset();
                        }
                    }
                    case "stream" -> b.stream = v == JsonToken.VALUE_TRUE;
                    case "stream_options" -> b.hasStreamOptions = true;
                    case "reasoning_effort" -> b.reasoningEffort = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "service_tier" -> b.serviceTier = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "session_id", "sessionId" -> b.sessionId = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "prompt_cache_key" -> b.promptCacheKey = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "conversation_id" -> b.conversationId = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "conversation", "metadata" -> {
                        if (v == JsonToken.VALUE_STRING && name.equals("conversation")) {
                            b.conversation = p.getText();
                        } else if (v == JsonToken.START_OBJECT) {
                            String inner = name.equals("conversation") ? "id" : "user_id";
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String n = p.currentName();
                                JsonToken iv = p.nextToken();
                                if (n.equals(inner) && iv == JsonToken.VALUE_STRING) {
                                    if (name.equals("conversation")) {
                                        b.conversation = p.getText();
                                    } else {
                                        b.metadataUserId = p.getText();
                                    }
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    case "reasoning" -> {
                        if (v == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String n = p.currentName();
                                JsonToken rv = p.nextToken();
                                if (n.equals("effort") && rv == JsonToken.VALUE_STRING) {
                                    b.reasoningEffort = p.getText();
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    default -> {
                    }
                }
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
