package dev.spacegate.server.gateway.translate.base;

import dev.spacegate.server.providers.ApiFormat;

import dev.spacegate.server.gateway.translate.neutral.Part;
import dev.spacegate.server.gateway.translate.neutral.Reply;
import dev.spacegate.server.gateway.translate.neutral.StreamEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.Base64;

/**
 * Reasoning signatures only validate at the provider that made them (a Claude signature, an OpenAI
 * encrypted_content, a Gemini thoughtSignature). When one is handed to a client of another format it is
 * tagged with its origin; when the client sends it back it is replayed only to an upstream of that origin
 * and dropped elsewhere, so a conversation that moves between providers never sends a foreign signature.
 * Gemini clients treat signatures as base64 bytes, so for them the tagged form is base64-encoded.
 */
public final class Signatures {
    private static final String TAG = "sg1:";

    private Signatures() {
    }

    /** The signature as given to a client of format {@code client}, from an upstream of format {@code origin}. */
    public static String wrap(ApiFormat origin, ApiFormat client, String signature) {
        if (signature == null || signature.isEmpty() || origin == client) {
            return signature;
        }
        Origin already = parse(signature);
        String tagged = already != null ? TAG + code(already.format) + ":" + already.raw
                : TAG + code(origin) + ":" + signature;
        return client == ApiFormat.GEMINI
                ? Base64.getEncoder().encodeToString(tagged.getBytes(StandardCharsets.UTF_8)) : tagged;
    }

    /**
     * The signature to send to an upstream of format {@code target}, or null when it was made elsewhere.
     * Untagged signatures are native to the client's format, which is never the target of a translation.
     */
    public static String unwrap(ApiFormat target, String signature) {
        if (signature == null) {
            return null;
        }
        Origin o = parse(signature);
        return o != null && o.format == target ? o.raw : null;
    }

    /** A reply whose signatures are wrapped for the client. */
    public static Reply tag(Reply r, ApiFormat origin, ApiFormat client) {
        List<Part> parts = new ArrayList<>(r.content().size());
        for (Part p : r.content()) {
            parts.add(p instanceof Part.Thinking t
                    ? new Part.Thinking(t.text(), wrap(origin, client, t.signature()), t.redacted()) : p);
        }
        return new Reply(r.id(), r.model(), parts, r.stop(), r.usage());
    }

    /** A stream sink that wraps signatures for the client on their way through. */
    public static Consumer<StreamEvent> tagging(ApiFormat origin, ApiFormat client, Consumer<StreamEvent> next) {
        if (origin == client) {
            return next;
        }
        return e -> next.accept(e instanceof StreamEvent.ThinkingSignature s
                ? new StreamEvent.ThinkingSignature(wrap(origin, client, s.signature())) : e);
    }

    private record Origin(ApiFormat format, String raw) {
    }

    private static Origin parse(String s) {
        String text = s;
        if (!text.startsWith(TAG)) {
            if (!text.startsWith("c2cxO")) { // base64 of "sg1:"
                return null;
            }
            try {
                text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (!text.startsWith(TAG)) {
                return null;
            }
        }
        int colon = text.indexOf(':', TAG.length());
        if (colon < 0) {
            return null;
        }
        ApiFormat f = switch (text.substring(TAG.length(), colon)) {
            case "oai" -> ApiFormat.OPENAI_RESPONSES;
            case "cl" -> ApiFormat.CLAUDE;
            case "gm" -> ApiFormat.GEMINI;
            default -> null;
        };
        return f == null ? null : new Origin(f, text.substring(colon + 1));
    }

    private static String code(ApiFormat f) {
        return switch (f) {
            case OPENAI_RESPONSES, OPENAI_CHAT -> "oai";
            case CLAUDE -> "cl";
            case GEMINI -> "gm";
        };
    }
}
