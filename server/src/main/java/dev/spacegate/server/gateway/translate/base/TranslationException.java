package dev.spacegate.server.gateway.translate.base;


import dev.spacegate.server.gateway.translate.neutral.UpstreamError;

/**
 * Thrown by {@code Translation#request} when the client's request cannot be expressed for the target
 * (e.g. a reasoning level the model does not support); the gateway answers with {@link #error()}.
 */
public final class TranslationException extends RuntimeException {
    private final UpstreamError error;

    public TranslationException(UpstreamError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public UpstreamError error() {
        return error;
    }
}
