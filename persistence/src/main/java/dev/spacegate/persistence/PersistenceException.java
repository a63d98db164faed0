package dev.spacegate.persistence;

/**
 * The one error type that leaves the persistence module: a stable code plus a message safe to show a user
 * (never a secret, a password or a stack trace).
 */
public final class PersistenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes; callers switch on these, users read the message. */
    public enum Code {
        /** Settings or environment values are missing or malformed. */
        INVALID_SETTINGS,
        /** A PGSTORE_DSN could not be understood. */
        INVALID_DSN,
        /** The database host:port could not be reached within the start-up window. */
        UNREACHABLE,
        /** The database refused the credentials. */
        AUTH_FAILED,
        /** The database schema is newer than this build knows. */
        SCHEMA_TOO_NEW,
        /** A compare-and-set lost against a concurrent writer. */
        VERSION_CONFLICT,
        /** An auth file name broke the naming rules. */
        INVALID_NAME,
        /** A value could not be stored because its content is malformed. */
        INVALID_CONTENT,
        /** Sealed data was written under a key id that is not in the key ring. */
        UNKNOWN_KEY,
        /** Sealed data failed authentication (wrong key material or tampering). */
        SEAL_BROKEN,
        /** The remote (git) store rejected or failed an operation. */
        REMOTE_FAILED,
        /** Any other storage failure (I/O, SQL). */
        STORAGE_FAILED
    }

    private final Code code;

    public PersistenceException(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public PersistenceException(Code code, String message, Throwable cause) {
        // the cause is kept for debugging in-process but never printed into messages
        super(message, cause, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    @Override
    public String toString() {
        return "PersistenceException[" + code + "]: " + getMessage();
    }
}
