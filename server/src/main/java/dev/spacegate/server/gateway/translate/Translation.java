package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.TranslationException;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/** Converts one client format to one upstream format and the upstream's answers back. Pure: no I/O. */
public interface Translation {
    ApiFormat client();

    ApiFormat upstream();

    /**
     * The upstream request body for a client request body.
     *
     * @throws TranslationException when the request cannot be expressed for the target (answer 400 with its error)
     */
    ObjectNode request(ObjectNode clientBody, TranslateContext ctx);

    /** The client response body for a non-streamed upstream response body. */
    ObjectNode response(ObjectNode upstreamBody, TranslateContext ctx);

    /** A fresh converter for one streamed response. */
    StreamTranslator stream(TranslateContext ctx);

    /**
     * The upstream token-count request (Claude {@code /v1/messages/count_tokens}, Gemini {@code :countTokens})
     * for a client token-count request, or empty when the upstream cannot count.
     */
    default Optional<ObjectNode> countTokensRequest(ObjectNode clientBody, TranslateContext ctx) {
        return Optional.empty();
    }

    /** The client's token-count answer for the upstream's. */
    default ObjectNode countTokensResponse(ObjectNode upstreamBody, TranslateContext ctx) {
        throw new UnsupportedOperationException("no token counting for " + client() + " -> " + upstream());
    }

    /** What this direction cannot carry across, for the generated docs (one line per loss). */
    default java.util.List<String> lossy() {
        return java.util.List.of();
    }
}
