package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.space.support.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code new-keys} and {@code ci/store-secrets.sh}: new values in the secrets' formats, the current ones as
 * {@code *_PREVIOUS} with the window's end, handed over in the env file, masked before anything else, never printed.
 */
class NewKeysTest {
    static final String OLD_CLIENTS = "sgk_test-old-one-not-secret;label=ci, sgk_test-old-two-not-secret";
    static final String OLD_ADMIN = "sgm_test-old-admin-not-secret";
    static final String OLD_DATA = "test-old-data-key-not-secret";

    @TempDir
    Path tmp;

    record Run(int exit, String output) {
    }

    Run newKeys(Map<String, String> extra, String... flags) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("CLIENT_API_KEYS", OLD_CLIENTS, "MANAGEMENT_PASSWORD", OLD_ADMIN,
                "DATA_KEY", OLD_DATA, "GITHUB_ENV", tmp.resolve("env").toString(),
                "GITHUB_OUTPUT", tmp.resolve("output").toString(),
                "GITHUB_STEP_SUMMARY", tmp.resolve("summary").toString(), "GITHUB_ACTIONS", "true"));
        env.putAll(extra);
        List<String> args = new java.util.ArrayList<>(List.of("new-keys", "--secret", "CLIENT_API_KEYS", "--secret",
                "MANAGEMENT_PASSWORD", "--secret", "DATA_KEY"));
        args.addAll(List.of(flags));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Main.run(args.toArray(String[]::new), env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    Map<String, String> envFile() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tmp.resolve("env"))) {
            out.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return out;
    }

    @Test
    void newValuesAndTheirPreviousCompanionsGoToTheEnvFileMaskedAndNeverPrinted() throws Exception {
        Instant before = Instant.now();
        Run r = newKeys(Map.of(), "--window", "30m");

        assertEquals(0, r.exit(), r.output());
        Map<String, String> env = envFile();
        String until = env.get("ROTATION_UNTIL");
        Instant end = Instant.parse(until);
        assertTrue(!end.isBefore(before.plusSeconds(1799)) && !end.isAfter(Instant.now().plusSeconds(1800)), until);
        assertTrue(env.get("CLIENT_API_KEYS").matches("sgk_[A-Za-z0-9]{32};label=ci,sgk_[A-Za-z0-9]{32}"),
                "as many keys as before, labels kept");
        assertEquals("sgk_test-old-one-not-secret;label=ci;until=" + until + ",sgk_test-old-two-not-secret;until="
                + until, env.get("CLIENT_API_KEYS_PREVIOUS"));
        assertTrue(env.get("MANAGEMENT_PASSWORD").matches("sgm_[A-Za-z0-9]{32}"));
        assertEquals(OLD_ADMIN + ";until=" + until, env.get("MANAGEMENT_PASSWORD_PREVIOUS"));
        assertEquals(32, Base64.getDecoder().decode(env.get("DATA_KEY")).length);
        assertEquals(OLD_DATA + ";until=" + until, env.get("DATA_KEY_PREVIOUS"));
        assertEquals("CLIENT_API_KEYS MANAGEMENT_PASSWORD DATA_KEY", env.get("ROTATED_KEYS"));
        assertEquals("until=" + until + "\n", Files.readString(tmp.resolve("output")));

        List<String> fresh = List.of(env.get("CLIENT_API_KEYS").split(",")[0].split(";")[0],
                env.get("CLIENT_API_KEYS").split(",")[1], env.get("MANAGEMENT_PASSWORD"), env.get("DATA_KEY"));
        List<String> lines = r.output().lines().toList();
        for (String value : fresh) {
            int mask = lines.indexOf("::add-mask::" + value);
            assertTrue(mask >= 0, "masked: " + r.output().replace(value, "<value>"));
            for (int i = 0; i < lines.size(); i++) {
                // only the runner's own mask commands (which it consumes) hold a value, and the first comes first
                assertTrue(lines.get(i).startsWith("::add-mask::") && i >= mask || !lines.get(i).contains(value),
                        "printed: " + lines.get(i).replace(value, "<value>"));
            }
        }
        assertFalse(r.output().contains("not-secret"), "no current value printed");
        String summary = Files.readString(tmp.resolve("summary"));
        assertTrue(summary.contains(env.get("MANAGEMENT_PASSWORD")) && summary.contains("store them now"), summary);
    }

    @Test
    void withAWriteBackTokenTheSummaryHoldsNoValueAndOnlyTheNamedKeysRotate() throws Exception {
        Run r = newKeys(Map.of("ROTATION_GH_TOKEN", "test-gh-token-not-secret", "ROTATE_KEYS", "MANAGEMENT_PASSWORD"));

        assertEquals(0, r.exit(), r.output());
        assertEquals(List.of("MANAGEMENT_PASSWORD", "MANAGEMENT_PASSWORD_PREVIOUS", "ROTATED_KEYS", "ROTATION_UNTIL"),
                List.copyOf(envFile().keySet()));
        assertFalse(Files.exists(tmp.resolve("summary")) && !Files.readString(tmp.resolve("summary")).isEmpty());
    }

    @Test
    void withoutAnEnvFileNothingIsGeneratedAndNothingPrinted() throws Exception {
        Map<String, String> none = new HashMap<>();
        none.put("GITHUB_ENV", "");
        Run r = newKeys(none);
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("needs --env-file or GITHUB_ENV"), r.output());
    }

    @Test
    void storeSecretsHandsEachValueToGhOnStandardInputNeverOnTheCommandLine() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path gh = bin.resolve("gh");
        Files.writeString(gh, "#!/bin/sh\necho \"args: $*\" >> \"$GH_LOG\"\nprintf 'stdin: ' >> \"$GH_LOG\"\n"
                + "cat >> \"$GH_LOG\"\necho >> \"$GH_LOG\"\n");
        assertTrue(gh.toFile().setExecutable(true));
        Path log = tmp.resolve("gh.log");
        Processes.Result r = Processes.runClean(List.of("bash", WorkflowLintTest.ROOT.resolve("ci/store-secrets.sh")
                        .toString()), Map.of("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                        "GH_TOKEN", "test-gh-token-not-secret", "GITHUB_REPOSITORY", "owner/repo", "GH_LOG",
                        log.toString(), "ROTATED_KEYS", "MANAGEMENT_PASSWORD DATA_KEY",
                        "MANAGEMENT_PASSWORD", "sgm_test-new-not-secret", "DATA_KEY", "test-new-data-not-secret"),
                WorkflowLintTest.ROOT, Duration.ofSeconds(30));

        assertEquals(0, r.exit(), r.output());
        assertEquals("args: secret set MANAGEMENT_PASSWORD --repo owner/repo\nstdin: sgm_test-new-not-secret\n"
                + "args: secret set DATA_KEY --repo owner/repo\nstdin: test-new-data-not-secret\n",
                Files.readString(log));
        assertFalse(r.output().contains("not-secret"), r.output());
    }
}
