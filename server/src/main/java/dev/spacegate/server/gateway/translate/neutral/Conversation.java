package dev.spacegate.server.gateway.translate.neutral;

import java.util.ArrayList;
import java.util.List;

/**
 * A request in format-neutral terms. A reader fills it from one wire format, a writer renders it in another;
 * it is a scratch structure that lives for one translation, hence plain mutable fields.
 */
public final class Conversation {
    /** System and developer prompts in order (text parts). */
    public final List<Part.Text> system = new ArrayList<>();
    public final List<Message> messages = new ArrayList<>();
    public final List<ToolDef> tools = new ArrayList<>();
    public ToolChoice toolChoice;
    public Boolean parallelToolCalls;
    public Integer maxTokens;
    public Double temperature;
    public Double topP;
    public final List<String> stop = new ArrayList<>();
    /** Requested reasoning, before clamping to the target model. */
    public Reasoning reasoning;
    public OutputFormat outputFormat;
    /** End-user id for abuse tracking (OpenAI {@code user}, Claude {@code metadata.user_id}). */
    public String user;
    /** Names of request fields the target cannot express, for the debug log. */
    public final List<String> dropped = new ArrayList<>();

    /** Records the top-level request fields a reader does not translate, so the debug log names them. */
    public void noteUnknown(com.fasterxml.jackson.databind.JsonNode body, java.util.Set<String> known) {
        body.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                dropped.add(f);
            }
        });
    }

    /** Appends parts to the last message if it has the same role, else starts a new message. */
    public void add(Role role, List<Part> parts) {
        if (parts.isEmpty()) {
            return;
        }
        if (!messages.isEmpty() && messages.getLast().role() == role) {
            messages.getLast().parts().addAll(parts);
        } else {
            messages.add(new Message(role, parts));
        }
    }

    /** The name of the tool a call id belongs to, from earlier assistant turns (Gemini needs names). */
    public String toolNameFor(String callId) {
        for (Message m : messages) {
            for (Part p : m.parts()) {
                if (p instanceof Part.ToolCall c && c.id() != null && c.id().equals(callId)) {
                    return c.name();
                }
            }
        }
        return null;
    }
}
