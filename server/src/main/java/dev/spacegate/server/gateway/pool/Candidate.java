package dev.spacegate.server.gateway.pool;

/**
 * A credential paired with the upstream model name it would be asked for; {@code forceMapping} asks for the
 * upstream's model name in answers to be rewritten to the client's.
 */
public record Candidate(Credential credential, String upstreamModel, boolean forceMapping) {
    public Candidate(Credential credential, String upstreamModel) {
        this(credential, upstreamModel, false);
    }

    /** Cooldown state is kept per credential and upstream model. */
    public String stateKey() {
        return credential.authIndex() + "|" + upstreamModel;
    }
}
