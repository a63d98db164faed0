package dev.spacegate.space;

/**
 * A failure the user can act on: a stable code plus a message that names what went wrong and what to do.
 * The message never carries a secret value or a stack trace.
 */
public final class PublishException extends RuntimeException {
    private final String code;

    public PublishException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A stable, machine-readable code such as {@code git_push_rejected} or {@code hf_payment_required}. */
    public String code() {
        return code;
    }
}
