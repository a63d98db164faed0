package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.space.steps.GenerateKeysStep;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every secret docs/deploy.md names reaches the server: the repository secrets are mapped in the workflows that
 * need them, the ones that go to the Space are in ci/deploy.sh's default list, and the rotation's {@code *_PREVIOUS}
 * companions are set and removed by rotate-keys.yml. And nothing a workflow maps is left undocumented.
 */
class SecretsDocumentedTest {
    static final Pattern ROW = Pattern.compile("^\\| `([A-Z][A-Z0-9_]+)` \\|(.*)$", Pattern.MULTILINE);
    static final Pattern COMPANION = Pattern.compile("`([A-Z][A-Z0-9_]+_PREVIOUS)`");
    static final Pattern MAPPED = Pattern.compile("\\$\\{\\{\\s*secrets\\.([A-Z0-9_]+)\\s*}}");

    static String read(String path) throws IOException {
        return Files.readString(WorkflowLintTest.ROOT.resolve(path));
    }

    /** The table under "Add the GitHub secrets": name -> whether it goes to the Space. */
    static Map<String, Boolean> repositorySecrets() throws IOException {
        String doc = read("docs/deploy.md");
        String section = doc.substring(doc.indexOf("## 3. Add the GitHub secrets"), doc.indexOf("## 4."));
        Map<String, Boolean> out = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            String[] cells = m.group(2).split("\\|");
            out.put(m.group(1), cells[1].trim().equals("yes"));
        }
        return out;
    }

    static Set<String> companions() throws IOException {
        String doc = read("docs/deploy.md");
        Set<String> out = new TreeSet<>();
        Matcher m = COMPANION.matcher(doc.substring(doc.indexOf("## Rotating keys")));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static List<String> defaultSecrets() throws IOException {
        Matcher m = Pattern.compile("(?m)^DEFAULT_SECRETS=\"([^\"]*)\"").matcher(read("ci/deploy.sh"));
        assertTrue(m.find(), "ci/deploy.sh declares DEFAULT_SECRETS");
        return List.of(m.group(1).trim().split("\\s+"));
    }

    static Set<String> mapped(String workflow) throws IOException {
        Set<String> out = new TreeSet<>();
        Matcher m = MAPPED.matcher(read(".github/workflows/" + workflow));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyDocumentedSecretIsMappedInTheWorkflowsAndInTheDefaultList() throws IOException {
        Map<String, Boolean> documented = repositorySecrets();
        assertEquals(Set.of("HF_TOKEN", "PGSTORE_DSN", "MANAGEMENT_PASSWORD", "DATA_KEY", "CLIENT_API_KEYS",
                "ROTATION_GH_TOKEN"), documented.keySet(), "the table was read");
        Set<String> deploy = mapped("deploy.yml");
        Set<String> rotate = mapped("rotate-keys.yml");
        List<String> defaults = defaultSecrets();
        documented.forEach((name, toSpace) -> {
            assertTrue(deploy.contains(name) || rotate.contains(name), name + " is mapped in no workflow");
            if (toSpace) {
                assertTrue(deploy.contains(name), name + " goes to the Space but deploy.yml does not map it");
                assertTrue(defaults.contains(name), name + " is not in ci/deploy.sh's DEFAULT_SECRETS");
            } else {
                assertFalse(defaults.contains(name), name + " is not for the Space but in DEFAULT_SECRETS");
            }
        });
        for (String rotated : GenerateKeysStep.DEFAULT_ROTATED) {
            assertTrue(rotate.contains(rotated), "rotate-keys.yml must read the current " + rotated);
        }
    }

    @Test
    void everyRotationCompanionTheDocsNameIsSetOnTheSpaceAndRemovedAfterTheWindow() throws IOException {
        Set<String> companions = companions();
        assertEquals(Set.of("CLIENT_API_KEYS_PREVIOUS", "MANAGEMENT_PASSWORD_PREVIOUS", "DATA_KEY_PREVIOUS"),
                companions);
        String rotate = read(".github/workflows/rotate-keys.yml");
        List<String> defaults = defaultSecrets();
        for (String name : companions) {
            assertTrue(defaults.contains(name), name + " is not in ci/deploy.sh's DEFAULT_SECRETS (never set)");
            assertTrue(rotate.contains("--delete-secret " + name), name + " is not removed by the retire job");
            assertTrue(GenerateKeysStep.DEFAULT_ROTATED.contains(name.replace("_PREVIOUS", "")),
                    name + " has no rotated key");
        }
    }

    @Test
    void nothingAWorkflowMapsOrTheScriptSendsIsUndocumented() throws IOException {
        String doc = read("docs/deploy.md");
        Set<String> all = new TreeSet<>(mapped("deploy.yml"));
        all.addAll(mapped("rotate-keys.yml"));
        all.addAll(mapped("ci.yml"));
        all.remove("GITHUB_TOKEN"); // GitHub's own
        all.addAll(defaultSecrets());
        for (String name : all) {
            assertTrue(doc.contains("`" + name + "`"), name + " is used but docs/deploy.md does not name it");
        }
    }
}
