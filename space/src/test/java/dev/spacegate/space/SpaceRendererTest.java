package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.space.render.SpaceCard;
import dev.spacegate.space.render.SpaceRenderer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The rendered Space repo: front-matter Hugging Face can read, a pinned FROM, text only. */
class SpaceRendererTest {
    static final String IMAGE = "ghcr.io/owner/spacegate@sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void frontMatterCarriesTheDockerSpaceSettings() {
        SpaceCard card = new SpaceCard("My \"gate\"", "🚀", "green", "purple", "Keys: mine", true);
        Map<String, String> files = SpaceRenderer.render(card, IMAGE);

        assertEquals(List.of("Dockerfile", "README.md"), List.copyOf(files.keySet()));
        String readme = files.get("README.md");
        assertTrue(readme.startsWith("---\n"));
        Map<String, Object> front = new Yaml().load(readme.split("---\n", 3)[1]);
        assertEquals(Map.of("title", "My \"gate\"", "emoji", "🚀", "colorFrom", "green", "colorTo", "purple",
                "sdk", "docker", "app_port", 7860, "short_description", "Keys: mine", "pinned", true), front);
        assertFalse(readme.toLowerCase().contains("proxy"));
    }

    @Test
    void dockerfilePinsTheImageByDigest() {
        String dockerfile = SpaceRenderer.render(SpaceCard.DEFAULT, IMAGE).get("Dockerfile");
        assertTrue(dockerfile.endsWith("\nFROM " + IMAGE + "\n"), dockerfile);
        assertEquals(IMAGE, SpaceRenderer.imageOf(dockerfile).orElseThrow());
    }

    @Test
    void sameInputsRenderTheSameBytes() {
        assertEquals(SpaceRenderer.render(SpaceCard.DEFAULT, IMAGE), SpaceRenderer.render(SpaceCard.DEFAULT, IMAGE));
    }

    @Test
    void badCardsAndTagOnlyImagesAreRefused() {
        PublishException color = assertThrows(PublishException.class,
                () -> new SpaceCard("t", "x", "orange", "blue", "d", false));
        assertTrue(color.getMessage().contains("colorFrom 'orange' must be one of"));
        assertThrows(PublishException.class, () -> new SpaceCard("t", "x", "red", "blue", "d".repeat(61), false));
        assertThrows(PublishException.class, () -> SpaceRenderer.render(SpaceCard.DEFAULT, "ghcr.io/o/s:latest"));
    }
}
