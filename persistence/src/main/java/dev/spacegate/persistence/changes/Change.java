package dev.spacegate.persistence.changes;

/**
 * One announced change: what changed ({@code topic}: {@code config}, {@code settings}, {@code auth},
 * {@code account}, {@code cooldown}), a small detail (the settings key, the auth file name, a cooldown as JSON, the config version),
 * the replica that made it and when.
 *
 * @param id     position in the change log (increases with commit order)
 * @param topic  what kind of state changed
 * @param detail which item, or the change itself when it is small (a cooldown)
 * @param origin the replica id of the writer
 * @param atMs   when it was written (epoch milliseconds)
 */
public record Change(long id, String topic, String detail, String origin, long atMs) {
    /** The config document was saved; detail is its new version. */
    public static final String CONFIG = "config";
    /** A settings document was written or deleted; detail is its key. */
    public static final String SETTINGS = "settings";
    /** An auth file was stored or deleted; detail is its name. */
    public static final String AUTH = "auth";
    /**
     * An auth file's refresh token was rejected (it needs a new login); detail is its name. The value is the kind's
     * first name, kept so replicas of different versions understand each other.
     */
    public static final String NEEDS_LOGIN = "account";
    /** A credential cooldown was learned or cleared; detail is the change as JSON. */
    public static final String COOLDOWN = "cooldown";
}
