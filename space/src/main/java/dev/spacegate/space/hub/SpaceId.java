package dev.spacegate.space.hub;

import dev.spacegate.space.PublishException;
import java.util.Locale;
import java.util.regex.Pattern;

/** A Space's repository id, {@code owner/name}. */
public record SpaceId(String owner, String name) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");

    public SpaceId {
        if (owner == null || name == null || !PART.matcher(owner).matches() || !PART.matcher(name).matches()) {
            throw new PublishException("bad_space", "Space id must be OWNER/NAME (letters, digits, '-', '_', '.')");
        }
    }

    /** Parses {@code owner/name}. */
    public static SpaceId parse(String text) {
        if (text == null || text.isBlank()) {
            throw new PublishException("bad_space", "no Space given: pass --space OWNER/NAME or set SPACEGATE_SPACE");
        }
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2) {
            throw new PublishException("bad_space", "Space id '" + text + "' must be OWNER/NAME");
        }
        return new SpaceId(parts[0], parts[1]);
    }

    /** The host Hugging Face serves the running Space on: {@code owner-name.hf.space}, lower case. */
    public String defaultHost() {
        return (owner + "-" + name).toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-') + ".hf.space";
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
