package dev.spacegate.server.gateway.pool;

import dev.spacegate.server.gateway.translate.base.ThinkingCapability;

/**
 * A credential paired with the upstream model name it would be asked for; {@code forceMapping} asks for the
 * upstream's model name in answers to be rewritten to the client's; {@code thinking} is the model's reasoning
 * capability when its config entry declares one (translated reasoning is clamped to it), else null.
 */
public record Candidate(Credential credential, String upstreamModel, boolean forceMapping,
                        ThinkingCapability thinking) {
    public Candidate(Credential credential, String upstreamModel, boolean forceMapping) {
        this(credential, upstreamModel, forceMapping, null);
    }

    public Candidate(Credential credential, String upstreamModel) {
        this(credential, upstreamModel, false, null);
    }

    /** Cooldown state is kept per credential and upstream model. */
    public String stateKey() {
        return credential.authIndex() + "|" + upstreamModel;
    }
}
