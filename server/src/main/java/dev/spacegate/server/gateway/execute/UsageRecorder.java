package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.gateway.pool.Candidate;
import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.gateway.stream.SseFramer;
import dev.spacegate.server.gateway.translate.base.Effort;
import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.neutral.Reasoning;
import dev.spacegate.server.gateway.usage.UsageQueue;
import dev.spacegate.server.gateway.usage.UsageRecord;
import dev.spacegate.server.gateway.usage.UsageSink;
import dev.spacegate.server.providers.ApiFormat;

/**
 * Step "record usage": one usage record per upstream attempt, complete when it is created (the credential says
 * its source and auth type), filled with tokens and timings while the attempt runs, and handed to the sink (and
 * the usage queue, when it is on) once the attempt ends.
 */
public final class UsageRecorder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UsageSink sink;
    private final UsageQueue queue;

    public UsageRecorder(UsageSink sink, UsageQueue queue) {
        this.sink = sink;
        this.queue = queue;
    }

    /** The record of an attempt of {@code call} on {@code c}. */
    UsageRecord start(ClientCall call, Candidate c, Reasoning reasoning) {
        Credential cred = c.credential();
        UsageRecord u = new UsageRecord();
        u.timestamp = Instant.now();
        u.source = cred.origin().source();
        u.authType = cred.origin().authType();
        u.authIndex = cred.authIndex();
        u.clientIp = call.clientIp();
        u.forwardedFor = call.forwardedFor();
        u.userAgent = call.userAgent();
        u.provider = cred.provider();
        u.executorType = cred.kind().executorType();
        u.model = c.upstreamModel();
        u.alias = call.model();
        u.endpoint = call.operation().endpoint();
        u.apiKey = call.clientKey();
        u.requestId = call.requestId();
        u.reasoningEffort = call.body().reasoningEffort();
        u.serviceTier = call.body().serviceTier();
        if (reasoning != null) {
            // the model(high) suffix wins over the body's effort, upstream and in the record
            u.reasoningEffort = reasoning.level() != null ? reasoning.level() : Effort.levelFor(reasoning.budget());
        }
        return u;
    }

    /** Notes the time to the first byte of the answer (once). */
    static void firstByte(Attempt a) {
        if (a.usage().ttftMs == 0) {
            a.usage().ttftMs = a.elapsedMs();
        }
    }

    /** Reads the token counts of one SSE event of the upstream's stream, if it carries any. */
    static void observeEvent(UsageRecord u, ApiFormat format, byte[] b, int off, int len) {
        SseEvent ev = SseFramer.parse(b, off, len);
        if (ev.data() == null || ev.data().isEmpty() || ev.data().charAt(0) != '{') {
            return;
        }
        try {
            u.tokens.observe(format, JSON.readTree(ev.data()));
        } catch (IOException e) {
            // not JSON: no usage in it
        }
    }

    /** Ends the attempt's record and hands it on; counts the request on the credential's auth file. */
    void finish(Attempt a, int status, boolean failed, String failBody) {
        UsageRecord u = a.usage();
        u.latencyMs = a.elapsedMs();
        u.statusCode = status;
        u.failed = failed;
        u.failBody = failBody == null ? "" : failBody;
        try {
            a.credential().origin().counter().count(failed);
            submit(a.config(), u);
        } catch (RuntimeException e) {
            // usage must never break a request
        }
    }

    private void submit(GatewayConfig cfg, UsageRecord u) {
        if (cfg.usageQueueEnabled()) {
            ObjectNode json = u.toJson();
            sink.submit(json);
            queue.add(json);
        } else {
            sink.submit(u);
        }
    }
}
