package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.neutral.Json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The table-driven corpus: every fixture through every translation whose side it fits, compared with the
 * expected output file. Run with {@code -Dtranslate.record=true} to write missing expected files (then
 * review them: a recorded file is a claim that the output is right).
 */
class TranslationCorpusTest {
    private static final boolean RECORD = Boolean.getBoolean("translate.record");

    @Test
    void corpusHasAtLeastAHundredCasesCoveringAllTwelvePairs() {
        List<Corpus.Case> cases = Corpus.cases();
        assertTrue(cases.size() >= 100, "only " + cases.size() + " cases");
        long pairs = cases.stream().filter(c -> c.client() != c.upstream())
                .map(c -> c.client() + ">" + c.upstream()).distinct().count();
        assertEquals(12, pairs);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesItsExpectedOutput() {
        return Corpus.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            // through text, so numbers compare by value (IntNode vs LongNode) as a client would see them
            JsonNode actual = Json.parse(Json.write(Corpus.run(c)));
            String pretty = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n";
            if (!Files.exists(c.expected())) {
                if (RECORD) {
                    Files.createDirectories(c.expected().getParent());
                    Files.writeString(c.expected(), pretty);
                    return;
                }
                fail("no expected output " + c.expected() + " (run with -Dtranslate.record=true, then review)");
            }
            JsonNode expected = Json.parse(Files.readString(c.expected()));
            if (!expected.equals(actual) && RECORD) {
                Files.writeString(c.expected(), pretty);
            }
            assertEquals(expected, actual, c.toString());
        }));
    }
}
