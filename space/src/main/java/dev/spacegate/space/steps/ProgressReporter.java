package dev.spacegate.space.steps;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The one place the publisher prints: step starts and ends, stage changes, notes. Every line passes through a
 * scrubber that replaces any registered secret value with {@code ***}, so a value that slips into a message
 * from a library still never reaches the CI log.
 */
public final class ProgressReporter {
    private final PrintStream out;
    private final List<String> secrets = new ArrayList<>();

    public ProgressReporter(PrintStream out) {
        this.out = out;
    }

    /** Registers a value that must never be printed (tokens, passwords, secret values). */
    public synchronized void hide(String secret) {
        // Very short values would blank out ordinary words; they are not secrets worth the name anyway.
        if (secret != null && secret.length() >= 4 && !secrets.contains(secret)) {
            secrets.add(secret);
            secrets.sort(Comparator.comparingInt(String::length).reversed());
        }
    }

    /**
     * Tells the GitHub Actions runner to mask a new value in every later line of the log ({@code ::add-mask::},
     * which the runner consumes and never shows), then hides it here too. Outside Actions it only hides it.
     */
    public synchronized void mask(String secret, boolean actions) {
        if (actions && secret != null && !secret.isEmpty() && !secrets.contains(secret)) {
            out.println("::add-mask::" + secret);
            out.flush();
        }
        hide(secret);
    }

    public void stepStarted(String step) {
        line(step, "start");
    }

    public void stepFinished(String step, Duration took) {
        line(step, String.format(Locale.ROOT, "done in %.1f s", took.toMillis() / 1000.0));
    }

    public void info(String step, String message) {
        line(step, message);
    }

    public void stageChanged(String from, String to) {
        line("wait", "stage " + (from == null ? "" : from + " -> ") + to);
    }

    public void error(String code, String message) {
        out.println(scrub("error [" + code + "]: " + message));
        out.flush();
    }

    /** Prints a block of text (help, plans, rendered files) as is, scrubbed. */
    public void text(String text) {
        out.print(scrub(text.endsWith("\n") ? text : text + "\n"));
        out.flush();
    }

    private void line(String step, String message) {
        out.println(scrub("[" + step + "] " + message));
        out.flush();
    }

    synchronized String scrub(String text) {
        String s = text;
        for (String secret : secrets) {
            s = s.replace(secret, "***");
        }
        return s;
    }
}
