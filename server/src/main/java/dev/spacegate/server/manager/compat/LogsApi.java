package dev.spacegate.server.manager.compat;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v0/management/logs} ({@code ?limit=}, {@code ?after=<epoch s>}, {@code ?cursor=}) -> {@code {lines,
 * line-count, latest-timestamp, next-cursor}} ({@code cursor-reset: true} when the cursor's lines are gone) and
 * {@code DELETE /v0/management/logs} -> {@code {success, message, removed}}, over the in-memory {@link LogTail}.
 *
 * <pre>
 * curl -H "Authorization: Bearer $KEY" "http://localhost:7860/v0/management/logs?limit=100"
 * curl -H "Authorization: Bearer $KEY" "http://localhost:7860/v0/management/logs?cursor=$NEXT_CURSOR"
 * </pre>
 */
record LogsApi(LogTail tail) implements CompatApi.Part {
    @Override
    public void routes(Endpoints.Builder b) {
        b.get(CompatApi.BASE + "/logs", c -> get(c.req(), c.res()))
                .delete(CompatApi.BASE + "/logs", c -> Json.send(c.res(), 200, Json.MAPPER.createObjectNode()
                        .put("success", true).put("message", "Logs cleared successfully")
                        .put("removed", tail.clear())));
    }

    private void get(ServerRequest req, ServerResponse res) {
        long limit = Requests.longParam(req, "limit").orElse(0L);
        long after = Requests.longParam(req, "after").orElse(0L);
        if (limit < 0) {
            throw new ApiError.Failure(400, "invalid_parameter", "limit must be >= 0");
        }
        Optional<String> cursor = Requests.param(req, "cursor");
        long afterSeq = 0;
        boolean reset = false;
        if (cursor.isPresent()) {
            try {
                afterSeq = Long.parseLong(cursor.get());
            } catch (NumberFormatException e) {
                afterSeq = -1;
            }
            // a cursor from before a restart, a clear or the oldest kept line: start again from the tail
            if (afterSeq < 0 || afterSeq >= tail.nextSeq() || afterSeq + 1 < tail.oldestSeq()) {
                reset = true;
                afterSeq = 0;
            }
        }
        List<LogTail.Line> lines = tail.since(afterSeq, after);
        if (limit > 0 && lines.size() > limit) {
            lines = lines.subList(lines.size() - (int) Math.min(limit, Integer.MAX_VALUE), lines.size());
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode texts = out.putArray("lines");
        lines.forEach(l -> texts.add(l.text()));
        out.put("line-count", lines.size());
        long latest = lines.isEmpty() ? after : lines.get(lines.size() - 1).epochSecond();
        out.put("latest-timestamp", latest);
        String next = String.valueOf(lines.isEmpty() ? Math.max(afterSeq, tail.nextSeq() - 1)
                : lines.get(lines.size() - 1).seq());
        out.put("next-cursor", next).put("cursor", next);
        if (reset) {
            out.put("cursor-reset", true);
        }
        Json.send(res, 200, out);
    }
}
