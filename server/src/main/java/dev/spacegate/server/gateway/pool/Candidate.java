package dev.spacegate.server.gateway.pool;

/** A credential paired with the upstream model name it would be asked for. */
public record Candidate(Credential credential, String upstreamModel) {
    /** Cooldown state is kept per credential and upstream model. */
    public String stateKey() {
        return credential.authIndex() + "|" + upstreamModel;
    }
}
