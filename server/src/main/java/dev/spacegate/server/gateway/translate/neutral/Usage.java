package dev.spacegate.server.gateway.translate.neutral;

/**
 * Token counts in one shape. {@code input} is the whole prompt including cache reads and writes (OpenAI and
 * Gemini count it so; Claude reports the three apart); {@code output} includes {@code reasoning}.
 */
public record Usage(long input, long output, long cacheRead, long cacheWrite, long reasoning) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public long total() {
        return input + output;
    }

    /** Field-wise maximum: streams report partial counts in several events. */
    public Usage merge(Usage o) {
        if (o == null) {
            return this;
        }
        return new Usage(Math.max(input, o.input), Math.max(output, o.output), Math.max(cacheRead, o.cacheRead),
                Math.max(cacheWrite, o.cacheWrite), Math.max(reasoning, o.reasoning));
    }
}
