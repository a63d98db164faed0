package dev.spacegate.persistence.usage;

/** One group of a rollup query: its key (hour, day, model, ...) and totals. */
public record RollupRow(String key, UsageTotals totals) {
}
