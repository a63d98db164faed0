package dev.spacegate.persistence.usage;

/** A column raw-event aggregates can be grouped by ({@link UsageStore#aggregate}). */
public enum EventDimension {
    /** Hour start, epoch milliseconds (UTC). */
    HOUR("(timestamp_ms / 3600000) * 3600000"),
    /** Day start, epoch milliseconds (UTC). */
    DAY("(timestamp_ms / 86400000) * 86400000"),
    /** Analytics model. */
    MODEL("model"),
    /** Upstream model name. */
    RESOLVED_MODEL("resolved_model"),
    PROVIDER("provider"),
    EXECUTOR("executor_type"),
    /** Credential index. */
    AUTH_INDEX("auth_index"),
    /** Credential id (auth file name). */
    AUTH_ID("auth_id"),
    /** Client API key hash. */
    API_KEY("api_key_hash"),
    /** Upstream status of a failed call; "" for successes, "0" for a failure without a status. */
    FAIL_STATUS("CASE WHEN failed <> 0 THEN CAST(COALESCE(fail_status_code, 0) AS VARCHAR(12)) ELSE '' END");

    private final String expression;

    EventDimension(String expression) {
        this.expression = expression;
    }

    /** The SQL expression of the key (portable between SQLite and PostgreSQL). */
    String expression() {
        return expression;
    }
}
