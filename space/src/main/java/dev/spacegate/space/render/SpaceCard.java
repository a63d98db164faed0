package dev.spacegate.space.render;

import dev.spacegate.space.PublishException;
import java.util.List;

/** The Space's card: the README front-matter fields Hugging Face shows, validated before rendering. */
public record SpaceCard(String title, String emoji, String colorFrom, String colorTo, String shortDescription,
        boolean pinned) {

    /** The colours Hugging Face accepts for {@code colorFrom} / {@code colorTo}. */
    public static final List<String> COLORS = List.of("red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray");

    public static final SpaceCard DEFAULT = new SpaceCard("Spacegate", "🛰️", "indigo", "blue",
            "Your own LLM API gateway: keys, accounts, usage", false);

    public SpaceCard {
        require(title != null && !title.isBlank() && title.length() <= 100, "title must be 1-100 characters");
        require(emoji != null && !emoji.isBlank(), "emoji must not be empty");
        require(COLORS.contains(colorFrom), "colorFrom '" + colorFrom + "' must be one of " + COLORS);
        require(COLORS.contains(colorTo), "colorTo '" + colorTo + "' must be one of " + COLORS);
        // Hugging Face rejects short descriptions longer than 60 characters.
        require(shortDescription != null && shortDescription.length() <= 60,
                "short_description must be at most 60 characters");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new PublishException("bad_card", "Space card: " + message);
        }
    }
}
