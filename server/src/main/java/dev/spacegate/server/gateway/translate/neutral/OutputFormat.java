package dev.spacegate.server.gateway.translate.neutral;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Structured output: JSON with an optional schema (null schema = any JSON object). */
public record OutputFormat(String name, ObjectNode schema, Boolean strict) {
}
