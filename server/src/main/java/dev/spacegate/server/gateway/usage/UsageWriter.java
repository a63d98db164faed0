package dev.spacegate.server.gateway.usage;

import java.util.List;

import dev.spacegate.persistence.usage.UsageEvent;

/** Stores a batch of usage records, normalised as the usage store keeps them; Assembly wires it to the UsageStore. */
@FunctionalInterface
public interface UsageWriter {
    /** Writes all records or throws; a throw leaves the batch in the usage log, read again on the next try. */
    void write(List<UsageEvent> records) throws Exception;
}
