package dev.spacegate.server.gateway.execute;

import dev.spacegate.server.providers.Operation;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.gateway.translate.CodexBody;
import dev.spacegate.server.gateway.translate.base.Effort;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.gateway.translate.TokenCount;
import dev.spacegate.server.gateway.translate.Translation;
import dev.spacegate.server.gateway.translate.base.TranslationException;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.web.ClientError;

/**
 * Step "build the upstream request": the body (same-format shaping or translation, the Codex body, a model
 * suffix's effort, payload rules), the URL and the headers with the credential's key or live token.
 */
final class RequestBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The result: a request to send, an answer made here (a local token estimate), or a refusal. */
    sealed interface Prepared {
    }

    /** Send this upstream. */
    record Ready(UpstreamRequest request) implements Prepared {
    }

    /** No upstream call: answer the client with this JSON (200). */
    record Local(byte[] json) implements Prepared {
    }

    /** The request cannot go to this upstream. */
    record Refused(Outcome.Failed failure) implements Prepared {
    }

    /** A body and the operation it is for upstream. */
    private record Body(byte[] bytes, Operation operation) {
    }

    Prepared build(Attempt a) throws IOException {
        Body body;
        try {
            body = a.translation() == null ? sameFormat(a) : translated(a);
        } catch (TranslationException e) {
            // the request cannot be expressed for this upstream: the client's fault, no cooldown
            return new Refused(Outcome.Failed.clientFault(JSON.writeValueAsBytes(
                    Errors.render(a.clientFormat(), e.error()))));
        } catch (LocalAnswer answer) {
            return new Local(answer.json);
        } catch (RuntimeException e) {
            if (a.translation() == null) {
                throw e;
            }
            return new Refused(Outcome.Failed.clientFault(a.family().bytes(ClientError.of(400,
                    "translation_failed", e.getMessage() == null ? "the request cannot be translated"
                            : e.getMessage()))));
        }
        ClientCall call = a.call();
        byte[] bytes = a.config().payload().apply(body.bytes(), call.model(), a.candidate().upstreamModel(),
                a.credential().kind(), a.clientFormat(), call.clientHeaders());
        String url = a.auth().upstreamUrl(a.credential(), body.operation().upstreamUrl(a.credential().baseUrl(),
                a.candidate().upstreamModel(), a.translation() == null ? call.alt() : "sse"));
        var headers = RequestHeaders.of(a);
        String token = a.auth().apply(a.credential(), headers);
        return new Ready(new UpstreamRequest(url, headers, bytes, token));
    }

    /** Same format: the client's body with the upstream model (Codex: normalised), plus a model suffix's effort. */
    private static Body sameFormat(Attempt a) throws IOException {
        ClientCall call = a.call();
        String model = a.candidate().upstreamModel();
        byte[] body;
        if (a.codex() && a.clientFormat() == ApiFormat.OPENAI_RESPONSES
                && JSON.readTree(call.body().bytes()) instanceof ObjectNode b) {
            b.put("model", model);
            body = JSON.writeValueAsBytes(CodexBody.normalize(b));
        } else {
            body = call.operation().modelInPath() ? call.body().bytes()
                    : call.body().forUpstream(model, call.stream() && call.operation() == Operation.CHAT);
        }
        if (a.reasoning() != null && call.operation().translatable() && !a.counting()) {
            // a model(high) suffix: the same effort the translators would send, written into the body as it is
            body = withEffort(body, a);
        }
        return new Body(body, call.operation());
    }

    /** Another format: the translator writes the upstream's request (or its token-count request). */
    private static Body translated(Attempt a) throws IOException {
        Translation translation = a.translation();
        if (!(JSON.readTree(a.call().body().bytes()) instanceof ObjectNode clientBody)) {
            throw new TranslationException(UpstreamError.badRequest("the request body must be a JSON object"));
        }
        ObjectNode up;
        if (a.counting()) {
            Optional<ObjectNode> count = translation.countTokensRequest(clientBody, a.context());
            if (count.isEmpty()) {
                // the upstream has no counter: estimate here, no upstream attempt
                throw new LocalAnswer(JSON.writeValueAsBytes(TokenCount.estimate(a.clientFormat(),
                        a.call().body().bytes())));
            }
            up = count.get();
        } else {
            up = translation.request(clientBody, a.context());
        }
        if (a.upstreamFormat() == ApiFormat.OPENAI_CHAT && a.upstreamStream()) {
            up.withObject("/stream_options").put("include_usage", true);
        }
        Operation op = a.counting() ? countOperation(a.upstreamFormat())
                : upstreamOperation(a.upstreamFormat(), a.upstreamStream());
        return new Body(JSON.writeValueAsBytes(up), op);
    }

    private static byte[] withEffort(byte[] body, Attempt a) {
        try {
            if (!(JSON.readTree(body) instanceof ObjectNode tree)) {
                return body;
            }
            Codec.writeEffort(a.upstreamFormat(), tree, Effort.resolve(a.reasoning(), a.candidate().thinking()),
                    a.candidate().thinking());
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            return body; // not JSON: the upstream judges it as it is
        }
    }

    private static Operation countOperation(ApiFormat f) {
        return f == ApiFormat.GEMINI ? Operation.GEMINI_COUNT : Operation.COUNT_TOKENS;
    }

    private static Operation upstreamOperation(ApiFormat f, boolean stream) {
        return switch (f) {
            case OPENAI_CHAT -> Operation.CHAT;
            case OPENAI_RESPONSES -> Operation.RESPONSES;
            case CLAUDE -> Operation.MESSAGES;
            case GEMINI -> stream ? Operation.GEMINI_STREAM : Operation.GEMINI_GENERATE;
        };
    }

    /** Ends body building with an answer made here. */
    private static final class LocalAnswer extends RuntimeException {
        private final byte[] json;

        LocalAnswer(byte[] json) {
            super(null, null, false, false);
            this.json = json;
        }
    }
}
