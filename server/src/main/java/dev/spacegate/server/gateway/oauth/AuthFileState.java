package dev.spacegate.server.gateway.oauth;

import java.time.Instant;

import dev.spacegate.server.gateway.usage.RequestTally;

/** One auth file as the server holds it at run time: the current file, its status and its request counters. */
final class AuthFileState {
    final String name;
    volatile AuthFile file;
    /** Null when the stored bytes are not a usable auth file. */
    volatile String invalid;
    volatile String status = "active";
    volatile String statusMessage = "";
    volatile boolean needsLogin;
    volatile Instant nextRefreshAttempt = Instant.EPOCH;
    /** Vertex: the access token minted from the service account (memory only). */
    volatile ServiceAccountToken.Minted minted;
    volatile long size;
    volatile Instant modified = Instant.EPOCH;
    /** Its upstream requests, for the auth-files list. */
    final RequestTally requests = new RequestTally();

    AuthFileState(String name) {
        this.name = name;
    }

    /** Whether its credential may serve requests and be refreshed: readable, enabled, not waiting for a login. */
    boolean usable() {
        AuthFile f = file;
        return f != null && invalid == null && !f.disabled() && !needsLogin;
    }

    /** Usable again: no error, and the next refresh may be tried at once. */
    void markActive() {
        status = "active";
        statusMessage = "";
        nextRefreshAttempt = Instant.EPOCH;
    }

    /** Set aside until a new login replaces the rejected refresh token. */
    void setAside(String message) {
        needsLogin = true;
        status = "error";
        statusMessage = message;
    }

    /** The stored bytes are not a usable auth file (or could not be read). */
    void markInvalid(String message) {
        invalid = message;
        status = "error";
        statusMessage = message;
    }
}
