package dev.spacegate.server.manager;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import io.helidon.webserver.http.ServerResponse;

/** Management API refusals: handlers throw a {@link Failure}, answered in {@link ErrorFamily#MANAGEMENT}'s envelope. */
public final class ApiError {
    private ApiError() {
    }

    /** A refusal that handlers throw to end a request with an envelope (bad input, conflicts). */
    public static class Failure extends RuntimeException {
        private final int status;
        private final String code;

        public Failure(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }

        /** Answers the request with this refusal. */
        public void send(ServerResponse res) {
            ErrorFamily.MANAGEMENT.send(res, ClientError.of(status, code, getMessage()));
        }
    }
}
