package dev.spacegate.server.gateway.usage;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Stores a batch of usage records (CLIProxyAPI §5.2 JSON shape); the lead wires it to the UsageStore. */
@FunctionalInterface
public interface UsageWriter {
    /** Writes all records or throws; a throw makes the sink spill the batch to its journal and retry later. */
    void write(List<ObjectNode> records) throws Exception;
}
