package dev.spacegate.server.gateway.translate.neutral;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A client-defined function tool: name, description and JSON-schema parameters. */
public record ToolDef(String name, String description, ObjectNode parameters, Boolean strict) {
}
