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

/** The {@code routes} command and the generated docs/routes.md. */
class MainTest {

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
