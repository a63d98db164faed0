package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

import java.util.ArrayList;
import java.util.List;

/** What cannot cross between formats, declared once as data; the docs matrix is generated from it. */
final class Lossy {
    /** A loss: applies when the client and upstream match (null = any format). */
    record Rule(ApiFormat client, ApiFormat upstream, String text) {
    }

    static final List<Rule> RULES = List.of(
            new Rule(null, ApiFormat.OPENAI_CHAT, "reasoning from earlier turns is not sent (Chat Completions"
                    + " has no field for replayed reasoning or its signature)"),
            new Rule(null, ApiFormat.OPENAI_CHAT, "images inside tool results are dropped (tool messages are text)"),
            new Rule(ApiFormat.OPENAI_CHAT, null, "reasoning signatures are not returned (no field for them);"
                    + " reasoning text arrives as `reasoning_content`"),
            new Rule(ApiFormat.OPENAI_CHAT, null, "`n` > 1, `logprobs`, audio and file content parts are not"
                    + " translated"),
            new Rule(ApiFormat.OPENAI_CHAT, null, "system/developer messages in mid-conversation are moved to the"
                    + " top-level system prompt"),
            new Rule(ApiFormat.OPENAI_RESPONSES, null, "built-in tools (web_search, file_search, computer use, ...)"
                    + " and item types other than messages, function calls, function outputs and reasoning are"
                    + " dropped"),
            new Rule(ApiFormat.OPENAI_RESPONSES, null, "free-form `custom` tools (Codex `apply_patch`) become"
                    + " functions taking `{input: string}`; their grammar is added to the description but not"
                    + " enforced by the upstream"),
            new Rule(ApiFormat.OPENAI_RESPONSES, null, "`previous_response_id`, `store` and conversation state are"
                    + " not translated: send the full input"),
            new Rule(ApiFormat.CLAUDE, null, "`cache_control` markers, `top_k`, server tools (web_search, code"
                    + " execution, ...) and document blocks are dropped"),
            new Rule(ApiFormat.CLAUDE, ApiFormat.OPENAI_CHAT, "`is_error` on tool results is not carried;"
                    + " reasoning from a Chat Completions upstream comes back as thinking blocks with an empty"
                    + " signature and is not replayed"),
            new Rule(ApiFormat.CLAUDE, ApiFormat.OPENAI_RESPONSES, "`is_error` on tool results is not carried"),
            new Rule(ApiFormat.CLAUDE, ApiFormat.GEMINI, "`is_error` on tool results and `metadata.user_id`"
                    + " are not carried"),
            new Rule(ApiFormat.GEMINI, null, "`topK`, `candidateCount`, safety settings, code execution and"
                    + " Google Search tools are dropped"),
            new Rule(null, ApiFormat.OPENAI_RESPONSES, "on the Codex backend `max_output_tokens`, `temperature`"
                    + " and `top_p` are dropped (the backend rejects them); system prompts go in as developer"
                    + " messages"),
            new Rule(null, ApiFormat.OPENAI_RESPONSES, "stop sequences are dropped (the Responses API has none)"),
            new Rule(null, ApiFormat.OPENAI_RESPONSES, "reasoning without its encrypted form (not produced by"
                    + " OpenAI) is not replayed"),
            new Rule(null, ApiFormat.CLAUDE, "with extended thinking on, `temperature` and `top_p` are dropped;"
                    + " `top_p` is dropped when `temperature` is set"),
            new Rule(null, ApiFormat.CLAUDE, "reasoning without a Claude signature is not replayed; JSON mode"
                    + " without a schema is dropped"),
            new Rule(null, ApiFormat.GEMINI, "tool call ids are not sent: results are matched to calls by"
                    + " function name; tool results are sent as `{result: text}`"),
            new Rule(ApiFormat.GEMINI, null, "tool call ids are generated (`call_` + hash) because Gemini calls"
                    + " carry none"));

    private Lossy() {
    }

    static List<String> between(ApiFormat client, ApiFormat upstream) {
        List<String> out = new ArrayList<>();
        for (Rule r : RULES) {
            if ((r.client() == null || r.client() == client) && (r.upstream() == null || r.upstream() == upstream)) {
                out.add(r.text());
            }
        }
        return out;
    }
}
