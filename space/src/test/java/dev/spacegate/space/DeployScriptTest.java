package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.space.support.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ci/deploy.sh hands the publisher the Space, the image and the secret names, never a value. */
class DeployScriptTest {
    static final Path ROOT = WorkflowLintTest.ROOT;

    @TempDir
    Path tmp;

    @Test
    void deployScriptPassesSpaceImageAndSecretNamesButNoValues() throws IOException {
        Path fakeJdk = tmp.resolve("fake-jdk");
        Files.createDirectories(fakeJdk.resolve("bin"));
        Path java = fakeJdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        Path jar = tmp.resolve("publisher.jar");
        Files.writeString(jar, "not a real jar");

        Processes.Result r = Processes.run(List.of("bash", ROOT.resolve("ci/deploy.sh").toString(), "deploy", "--dry-run"),
                Map.of("JAVA_HOME", fakeJdk.toString(), "SPACEGATE_PUBLISHER_JAR", jar.toString(),
                        "SPACE_ID", "owner/space", "HF_TOKEN", "hf_script-test-token-not-secret",
                        "GITHUB_REPOSITORY", "Owner/Spacegate", "PGSTORE_DSN", "postgres://u:test-not-secret@h/db"),
                ROOT, Duration.ofSeconds(30));

        assertEquals(0, r.exit(), r.output());
        List<String> args = r.output().lines().toList();
        assertEquals(List.of("-jar", jar.toString(), "deploy", "--space", "owner/space", "--image",
                "ghcr.io/owner/spacegate", "--tag", "main", "--secret", "PGSTORE_DSN", "--secret",
                "MANAGEMENT_PASSWORD", "--secret", "DATA_KEY", "--secret", "CLIENT_API_KEYS", "--secret",
                "MANAGEMENT_PASSWORD_PREVIOUS", "--secret", "DATA_KEY_PREVIOUS", "--secret", "CLIENT_API_KEYS_PREVIOUS",
                "--dry-run"), args);
        assertTrue(!r.output().contains("not-secret"));
    }

    @Test
    void deployScriptWithoutASpaceSaysWhereToSetIt() {
        Processes.Result r = Processes.runClean(List.of("bash", ROOT.resolve("ci/deploy.sh").toString(), "deploy"),
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                        "HF_TOKEN", "hf_script-test-token-not-secret"), ROOT, Duration.ofSeconds(30));

        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("SPACE_ID") && r.output().contains("ci/space.env"), r.output());
    }
}
