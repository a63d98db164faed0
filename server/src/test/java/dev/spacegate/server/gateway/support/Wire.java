package dev.spacegate.server.gateway.support;

import java.util.List;

/** Realistic upstream payloads in each provider's wire format. */
public final class Wire {
    private Wire() {
    }

    public static String chatCompletion(String model, String content) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},\
                "logprobs":null,"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,\
                "prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":2}}}"""
                .formatted(model, content);
    }

    public static String chatToolCall(String model) {
        return """
                {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,\
                "tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather",\
                "arguments":"{\\"city\\":\\"Paris\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],\
                "usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29}}""".formatted(model);
    }

    public static List<String> chatStream(String model) {
        String head = "{\"id\":\"chatcmpl-3\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + model + "\",";
        return List.of(
                "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},"
                        + "\"finish_reason\":null}]}\n\n",
                "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}\n\n",
                "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":2,"
                        + "\"total_tokens\":13}}\n\n",
                "data: [DONE]\n\n");
    }

    public static List<String> responsesStream(String model) {
        String resp = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,\"status\":\"%s\","
                + "\"model\":\"" + model + "\",\"output\":[],\"parallel_tool_calls\":true,\"tool_choice\":\"auto\","
                + "\"tools\":[]%s}";
        return List.of(
                "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
                        + resp.formatted("in_progress", "") + "}\n\n",
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                        + "\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                        + "\"delta\":\"Hi\",\"logprobs\":[]}\n\n",
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                        + "\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                        + "\"delta\":\" there\",\"logprobs\":[]}\n\n",
                "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\","
                        + "\"sequence_number\":3,\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                        + "\"text\":\"Hi there\",\"annotations\":[]}]}}\n\n",
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":4,"
                        + "\"response\":" + resp.formatted("completed", ",\"usage\":{\"input_tokens\":5,"
                        + "\"output_tokens\":2,\"total_tokens\":7,\"input_tokens_details\":{\"cached_tokens\":1},"
                        + "\"output_tokens_details\":{\"reasoning_tokens\":0}}") + "}\n\n");
    }

    public static List<String> claudeStream(String model) {
        return List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
                        + "\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],"
                        + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,"
                        + "\"output_tokens\":1,\"cache_read_input_tokens\":4,\"cache_creation_input_tokens\":0}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: ping\ndata: {\"type\": \"ping\"}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    /** Gemini separates events with CRLF pairs. */
    public static List<String> geminiStream(String model) {
        return List.of(
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9},\"modelVersion\":\""
                        + model + "\"}\r\n\r\n",
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" there\"}],\"role\":\"model\"},"
                        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,"
                        + "\"candidatesTokenCount\":2,\"thoughtsTokenCount\":4,\"totalTokenCount\":15},"
                        + "\"modelVersion\":\"" + model + "\"}\r\n\r\n");
    }
}
