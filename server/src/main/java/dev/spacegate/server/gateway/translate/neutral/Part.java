package dev.spacegate.server.gateway.translate.neutral;

import java.util.List;

/** One piece of message content in the format-neutral model every translator reads into and writes from. */
public sealed interface Part {
    /** Plain text. */
    record Text(String text) implements Part {
    }

    /**
     * An image, either by URL or inline base64 data.
     *
     * @param url       http(s) URL, or null when inline
     * @param mediaType MIME type of inline data (may be null for URLs)
     * @param data      base64 data, or null when by URL
     */
    record Image(String url, String mediaType, String data) implements Part {
        public boolean inline() {
            return data != null;
        }

        /** The image as a data: URL (inline) or its URL. */
        public String asUrl() {
            return inline() ? "data:" + (mediaType == null ? "image/png" : mediaType) + ";base64," + data : url;
        }

        /** An image from a URL that may be a data: URL. */
        public static Image fromUrl(String url) {
            if (url != null && url.startsWith("data:")) {
                int comma = url.indexOf(',');
                int semi = url.indexOf(';');
                if (comma > 0 && semi > 0 && semi < comma) {
                    return new Image(null, url.substring(5, semi), url.substring(comma + 1));
                }
            }
            return new Image(url, null, null);
        }
    }

    /**
     * Model reasoning. The signature is the provider's opaque proof (Claude signature, Responses
     * encrypted_content, Gemini thoughtSignature) that lets the same provider accept it back.
     *
     * @param redacted true for Claude redacted_thinking (the data is in {@code signature})
     */
    record Thinking(String text, String signature, boolean redacted) implements Part {
    }

    /** A call of a client-defined tool; arguments are JSON text. */
    record ToolCall(String id, String name, String arguments) implements Part {
    }

    /** The result of a tool call, sent back by the client. */
    record ToolResult(String callId, String name, List<Part> content, boolean error) implements Part {
        /** The text parts joined, for formats whose tool output is one string. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (Part p : content) {
                if (p instanceof Text t) {
                    if (!sb.isEmpty()) {
                        sb.append('\n');
                    }
                    sb.append(t.text());
                }
            }
            return sb.toString();
        }
    }
}
