package dev.spacegate.persistence.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;

import java.io.IOException;

/** Shared checks for auth file content and the seal context that binds a sealed file to its name. */
final class AuthContent {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest auth file accepted; real ones are a few KiB. */
    static final int MAX_BYTES = 1 << 20;

    private AuthContent() {
    }

    /** Fails with INVALID_CONTENT unless {@code json} is a JSON object of sane size. */
    static void check(String name, byte[] json) {
        if (json == null || json.length == 0) {
            throw new PersistenceException(Code.INVALID_CONTENT, "auth file " + name + " is empty");
        }
        if (json.length > MAX_BYTES) {
            throw new PersistenceException(Code.INVALID_CONTENT, "auth file " + name + " is larger than 1 MiB");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new PersistenceException(Code.INVALID_CONTENT, "auth file " + name + " is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new PersistenceException(Code.INVALID_CONTENT, "auth file " + name + " must be a JSON object");
        }
    }

    /** Associated data for sealing: moving a sealed file to another name makes it fail to open. */
    static String context(String name) {
        return "auth/" + name;
    }
}
