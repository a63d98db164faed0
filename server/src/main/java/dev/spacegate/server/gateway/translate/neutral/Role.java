package dev.spacegate.server.gateway.translate.neutral;

/** Who said a message. System prompts are kept apart, in {@link Conversation#system}. */
public enum Role {
    USER, ASSISTANT
}
