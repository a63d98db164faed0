package dev.spacegate.server.gateway.translate.base;





import dev.spacegate.server.gateway.translate.neutral.Reasoning;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a translation needs to know besides the body. Create one per request and pass the same instance to
 * {@code Translation#request} and to the response or stream translation (it carries the tool-name map).
 *
 * @param clientModel   the model name the client asked for (echoed back in responses)
 * @param upstreamModel the model name sent upstream
 * @param stream        whether the client asked for a stream
 * @param reasoning     reasoning from a {@code model(high)} suffix ({@link Effort#parseModel}); overrides the body; may be null
 * @param thinking      the target model's reasoning capability; null = unknown (no clamping)
 * @param codex         the upstream is the ChatGPT Codex backend (always streams, no sampling parameters)
 * @param requestId     used to build response and item ids the upstream did not give
 * @param created       epoch seconds stamped on responses that need it
 * @param toolNames     shortened tool names of this request
 */
public record TranslateContext(String clientModel, String upstreamModel, boolean stream, Reasoning reasoning,
                               ThinkingCapability thinking, boolean codex, String requestId, long created,
                               ToolNames toolNames) {
    public TranslateContext(String clientModel, String upstreamModel, boolean stream) {
        this(clientModel, upstreamModel, stream, null, null, false,
                newId(),
                System.currentTimeMillis() / 1000, new ToolNames());
    }

    public TranslateContext withReasoning(Reasoning r) {
        return new TranslateContext(clientModel, upstreamModel, stream, r, thinking, codex, requestId, created,
                toolNames);
    }

    public TranslateContext withThinking(ThinkingCapability t) {
        return new TranslateContext(clientModel, upstreamModel, stream, reasoning, t, codex, requestId, created,
                toolNames);
    }

    public TranslateContext withCodex(boolean c) {
        return new TranslateContext(clientModel, upstreamModel, stream, reasoning, thinking, c, requestId, created,
                toolNames);
    }

    /** Fixed ids and clock, for reproducible output (tests, fixtures). */
    public TranslateContext withIds(String id, long epochSeconds) {
        return new TranslateContext(clientModel, upstreamModel, stream, reasoning, thinking, codex, id, epochSeconds,
                toolNames);
    }

    /** 24 hex digits; ids need to be unique, not secret, so no SecureRandom on the request path. */
    private static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextInt());
    }
}
