package dev.spacegate.persistence.usage;

/** The dimension a rollup query groups by. */
public enum GroupBy {
    /** One row for the whole range. */
    NONE,
    /** One row per hour (key = ISO instant of the hour start). */
    HOUR,
    /** One row per UTC day (key = yyyy-MM-dd). */
    DAY,
    MODEL,
    PROVIDER,
    /** Credential index. */
    AUTH_INDEX,
    /** Client API key hash. */
    API_KEY
}
