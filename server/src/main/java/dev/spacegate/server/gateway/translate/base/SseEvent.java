package dev.spacegate.server.gateway.translate.base;

/**
 * One server-sent event: optional {@code event:} name and the {@code data:} payload (usually JSON).
 *
 * @param event event name, or null when the stream uses bare {@code data:} lines (OpenAI chat, Gemini)
 * @param data  the data payload without the {@code data: } prefix
 */
public record SseEvent(String event, String data) {
}
