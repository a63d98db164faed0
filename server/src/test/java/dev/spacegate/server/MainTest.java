package dev.spacegate.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code routes} command and the generated docs/routes.md; a start that cannot open its storage. */
class MainTest {

    @Test
    void storageThatCannotBeOpenedEndsTheStartWithOneClearLine(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("DATA_") || k.equals("PORT"));
        // state outside the container without DATA_KEY: refused before anything is opened
        pb.environment().putAll(Map.of("PORT", "0", "HOST", "127.0.0.1", "DATA_DIR", dir.toString(),
                "PGSTORE_DSN", "postgresql://postgres@127.0.0.1:5432/test"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("spacegate: storage INVALID_SETTINGS: DATA_KEY"), out);
        assertTrue(!out.contains("Exception in thread") && !out.contains("\tat "), out);
    }

    private static String run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Main.routes(args, Map.of(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(0, code, buf.toString(StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void routesPrintsTheTable() {
        String out = run("routes", "--profile", "cpamp");
        assertTrue(out.startsWith("route profile: cpamp"), out);
        assertTrue(out.contains("prefix /v0/management/"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("fallback") && l.contains("gateway")), out);
    }

    @Test
    void routesExplainNamesOwnerAndRules() {
        String out = run("routes", "explain", "/cpm/../v0/management/usage-queue");
        assertTrue(out.contains("owner:      gateway"), out);
        assertTrue(out.contains("normalised from /cpm/../v0/management/usage-queue"), out);
        assertTrue(out.contains("rule:       exact /v0/management/usage-queue -> serve"), out);
        String strip = run("routes", "--profile", "bundled", "explain", "/cpm/app.js");
        assertTrue(strip.contains("rule:       prefix /cpm/ -> strip /cpm, route again"), strip);
        assertTrue(strip.contains("owner path: /app.js"), strip);
    }

    @Test
    void docsRoutesMatchesTheTable() throws Exception {
        Path doc = Path.of("..", "docs", "routes.md");
        assertTrue(Files.exists(doc), "docs/routes.md is missing; generate it with: routes --markdown");
        assertEquals(RoutesDoc.render(), Files.readString(doc),
                "docs/routes.md is stale; regenerate: java -jar server/target/spacegate-server.jar routes --markdown > docs/routes.md");
    }
}
