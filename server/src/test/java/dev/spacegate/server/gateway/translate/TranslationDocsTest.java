package dev.spacegate.server.gateway.translate;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/translation.md carries the matrix generated from the table; {@code -Dtranslate.record=true} rewrites it. */
class TranslationDocsTest {
    private static final Path DOC = Path.of("../docs/translation.md");
    private static final String START = "<!-- generated:translators -->\n";
    private static final String END = "<!-- /generated -->";

    @Test
    void theDocumentedMatrixIsTheTable() throws Exception {
        String doc = Files.readString(DOC);
        int s = doc.indexOf(START);
        int e = doc.indexOf(END);
        assertTrue(s >= 0 && e > s, "markers missing in " + DOC);
        String generated = "\n" + Translators.markdown() + "\n";
        String current = doc.substring(s + START.length(), e);
        if (!generated.equals(current) && Boolean.getBoolean("translate.record")) {
            Files.writeString(DOC, doc.substring(0, s + START.length()) + generated + doc.substring(e));
            return;
        }
        assertEquals(generated, current, "docs/translation.md is out of date; run with -Dtranslate.record=true");
    }
}
