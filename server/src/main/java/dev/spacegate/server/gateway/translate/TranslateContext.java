package dev.spacegate.server.gateway.translate;

/**
 * What a translation needs to know besides the body.
 *
 * @param clientModel   the model name the client asked for (echoed back in responses)
 * @param upstreamModel the model name sent upstream
 * @param stream        whether the client asked for a stream
 */
public record TranslateContext(String clientModel, String upstreamModel, boolean stream) {
}
