package dev.spacegate.server.gateway.translate.neutral;

import java.util.ArrayList;
import java.util.List;

/** One turn of a conversation; tool results travel in user turns, tool calls in assistant turns. */
public record Message(Role role, List<Part> parts) {
    public Message {
        parts = new ArrayList<>(parts);
    }
}
