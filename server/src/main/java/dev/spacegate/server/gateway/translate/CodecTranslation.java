package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.Signatures;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.gateway.translate.neutral.Conversation;

import java.util.List;
import java.util.Optional;

/**
 * A translation built from two codecs: read the client's format into the neutral model, write the
 * upstream's, and the reverse for answers. Each direction is a subclass that names its pair and its losses.
 */
abstract class CodecTranslation implements Translation {
    private static final System.Logger LOG = System.getLogger(CodecTranslation.class.getName());
    private final Codec client;
    private final Codec upstream;

    CodecTranslation(ApiFormat client, ApiFormat upstream) {
        this.client = Codec.of(client);
        this.upstream = Codec.of(upstream);
    }

    @Override
    public final ApiFormat client() {
        return client.format();
    }

    @Override
    public final ApiFormat upstream() {
        return upstream.format();
    }

    @Override
    public ObjectNode request(ObjectNode clientBody, TranslateContext ctx) {
        Conversation c = client.readRequest(clientBody, ctx);
        ObjectNode out = upstream.writeRequest(c, ctx);
        if (!c.dropped.isEmpty() && LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "{0} -> {1}: dropped {2}", client(), upstream(), c.dropped);
        }
        return out;
    }

    @Override
    public ObjectNode response(ObjectNode upstreamBody, TranslateContext ctx) {
        return client.writeResponse(Signatures.tag(upstream.readResponse(upstreamBody, ctx), upstream(), client()), ctx);
    }

    @Override
    public StreamTranslator stream(TranslateContext ctx) {
        return new StreamPipeline(upstream.decoder(ctx), upstream(), client, ctx);
    }

    @Override
    public Optional<ObjectNode> countTokensRequest(ObjectNode clientBody, TranslateContext ctx) {
        return TokenCount.request(client.readRequest(clientBody, ctx), upstream(), ctx);
    }

    @Override
    public ObjectNode countTokensResponse(ObjectNode upstreamBody, TranslateContext ctx) {
        return TokenCount.response(upstreamBody, upstream(), client());
    }

    @Override
    public List<String> lossy() {
        return Lossy.between(client(), upstream());
    }
}
