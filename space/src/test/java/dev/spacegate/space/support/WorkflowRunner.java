package dev.spacegate.space.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs a GitHub workflow's jobs on this machine the way the Actions runner would, for the parts that matter to a
 * deploy: each {@code run:} step in bash with the {@code env:} the YAML maps (job and step level, expressions over
 * {@code secrets}, {@code inputs}, {@code env}, {@code needs}, {@code steps} and {@code github} with {@code ||},
 * {@code ==} and {@code !=}), {@code $GITHUB_ENV} carried to the following steps of the job, {@code $GITHUB_OUTPUT}
 * as step and job outputs, a step {@code if:} evaluated. {@code uses:} steps and the Maven build are left out (the
 * test builds the code once). Everything each step prints is kept for leak checks.
 */
public final class WorkflowRunner {
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.+?)\\s*}}");

    /** One step's outcome. */
    public record StepResult(String name, int exit, String output) {
    }

    private final Path root;
    private final Path work;
    private final Map<String, String> base;
    private final Map<String, String> secrets;
    private final Map<String, String> inputs;
    private final Map<String, Map<String, String>> jobOutputs = new HashMap<>();
    /** Everything any step printed, in order. */
    public final List<String> outputs = new ArrayList<>();
    /** The step summaries each job wrote, by job name. */
    public final Map<String, String> summaries = new HashMap<>();
    private volatile Map<String, String> current = Map.of();
    /** The {@code $GITHUB_ENV} each job ended with, by job name (what later steps of that job saw). */
    public final Map<String, Map<String, String>> jobEnvs = new HashMap<>();

    /**
     * @param root    the repository checkout (working directory of every step)
     * @param work    a scratch directory for the runner's files
     * @param base    the runner's own environment (PATH, HOME, GITHUB_REPOSITORY, ...)
     * @param secrets the repository's Actions secrets
     * @param inputs  the workflow_dispatch inputs
     */
    public WorkflowRunner(Path root, Path work, Map<String, String> base, Map<String, String> secrets,
                          Map<String, String> inputs) {
        this.root = root;
        this.work = work;
        this.base = base;
        this.secrets = secrets;
        this.inputs = inputs;
    }

    /** Runs the steps of {@code job} in {@code workflow} (a path under .github/workflows), calling back after each. */
    @SuppressWarnings("unchecked")
    public void runJob(String workflow, String job, BiConsumer<String, StepResult> afterStep) throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(root.resolve(".github/workflows").resolve(workflow)));
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) doc.get("jobs")).get(job);
        Path dir = Files.createTempDirectory(work, job + "-");
        Path envFile = dir.resolve("github_env");
        Path summary = dir.resolve("step_summary");
        Files.createFile(envFile);
        Files.createFile(summary);
        Map<String, String> carried = new LinkedHashMap<>();
        Map<String, Map<String, String>> steps = new HashMap<>();
        Map<String, String> jobEnv = evaluate((Map<String, Object>) spec.get("env"), carried, steps);
        int n = 0;
        for (Map<String, Object> step : (List<Map<String, Object>>) spec.get("steps")) {
            String run = (String) step.get("run");
            if (run == null || run.startsWith("./mvnw")) {
                continue;
            }
            String name = (String) step.getOrDefault("name", run);
            Map<String, String> env = new HashMap<>(base);
            env.putAll(carried);
            env.putAll(jobEnv);
            if (step.get("if") != null && !truthy(eval((String) step.get("if"), env, steps))) {
                continue;
            }
            env.putAll(evaluate((Map<String, Object>) step.get("env"), env, steps));
            Path output = dir.resolve("output-" + (++n));
            Files.createFile(output);
            env.put("GITHUB_ENV", envFile.toString());
            env.put("GITHUB_OUTPUT", output.toString());
            env.put("GITHUB_STEP_SUMMARY", summary.toString());
            Processes.Result r = Processes.runClean(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                    run), env, root, Duration.ofMinutes(8));
            outputs.add(r.output());
            System.out.println("[" + job + "] " + name + " -> exit " + r.exit() + "\n" + r.output());
            carried.putAll(readEnvFile(envFile));
            current = Map.copyOf(carried);
            if (step.get("id") != null) {
                steps.put((String) step.get("id"), readEnvFile(output));
            }
            StepResult result = new StepResult(name, r.exit(), r.output());
            if (r.exit() != 0) {
                throw new AssertionError("step '" + name + "' of job " + job + " failed:\n" + r.output());
            }
            afterStep.accept(name, result);
        }
        Map<String, String> outs = new HashMap<>();
        Map<String, String> evaluated = evaluate((Map<String, Object>) spec.get("outputs"), carried, steps);
        outs.putAll(evaluated);
        jobOutputs.put(job, outs);
        jobEnvs.put(job, Map.copyOf(carried));
        summaries.put(job, Files.readString(summary));
    }

    /** The {@code $GITHUB_ENV} of the running job so far (for a callback). */
    public Map<String, String> currentEnv() {
        return current;
    }

    private Map<String, String> evaluate(Map<String, Object> map, Map<String, String> env,
                                         Map<String, Map<String, String>> steps) {
        Map<String, String> out = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((k, v) -> out.put(k, substitute(String.valueOf(v), env, steps)));
        }
        return out;
    }

    private String substitute(String text, Map<String, String> env, Map<String, Map<String, String>> steps) {
        Matcher m = EXPRESSION.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(eval(m.group(1), env, steps)));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** Evaluates {@code a || 'b'}, {@code a == 'b'}, {@code a != ''} over the contexts; results are strings. */
    String eval(String expression, Map<String, String> env, Map<String, Map<String, String>> steps) {
        String e = expression.strip();
        if (e.startsWith("${{") && e.endsWith("}}")) {
            e = e.substring(3, e.length() - 2).strip();
        }
        int or = e.indexOf("||");
        if (or >= 0) {
            String left = eval(e.substring(0, or), env, steps);
            return truthy(left) ? left : eval(e.substring(or + 2), env, steps);
        }
        for (String op : List.of("!=", "==")) {
            int i = e.indexOf(op);
            if (i >= 0) {
                boolean same = eval(e.substring(0, i), env, steps).equals(eval(e.substring(i + 2), env, steps));
                return String.valueOf(op.equals("==") == same);
            }
        }
        if (e.startsWith("'") && e.endsWith("'")) {
            return e.substring(1, e.length() - 1);
        }
        String[] path = e.split("\\.");
        return switch (path[0]) {
            case "secrets" -> secrets.getOrDefault(path[1], "");
            case "inputs" -> inputs.getOrDefault(path[1], "");
            case "env" -> env.getOrDefault(path[1], "");
            case "github" -> path[1].equals("event_name") ? "workflow_dispatch"
                    : base.getOrDefault("GITHUB_" + path[1].toUpperCase(java.util.Locale.ROOT), "");
            case "needs" -> jobOutputs.getOrDefault(path[1], Map.of()).getOrDefault(path[3], "");
            case "steps" -> steps.getOrDefault(path[1], Map.of()).getOrDefault(path[3], "");
            default -> throw new IllegalArgumentException("expression not supported by the test runner: " + e);
        };
    }

    private static boolean truthy(String value) {
        return !value.isEmpty() && !value.equals("false") && !value.equals("0");
    }

    /** {@code NAME=value} lines, as the runner reads {@code $GITHUB_ENV} and {@code $GITHUB_OUTPUT}. */
    static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }
}
