package dev.spacegate.space.steps;

/** One step of a publish: does one job against the context, reports through it, throws PublishException on failure. */
public interface Step {
    /** Short name shown in progress lines, e.g. {@code push}. */
    String name();

    void run(PublishContext ctx);
}
