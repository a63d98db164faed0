package dev.spacegate.server.gateway.execute;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.spacegate.server.gateway.pool.CooldownRules;
import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.outbound.Response;
import dev.spacegate.server.web.ClientError;

/**
 * Sorts what went wrong upstream into an outcome for the retry loop and a cooldown for the credential (the
 * cooldown table's rule, as the credential's scoped error rules change it), and ends the attempt's usage record.
 */
final class UpstreamErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final CredentialPool pool;
    private final UsageRecorder usage;

    UpstreamErrors(CredentialPool pool, UsageRecorder usage) {
        this.pool = pool;
        this.usage = usage;
    }

    /** The upstream could not be reached: a transient failure, fail over. */
    Outcome.Failed unreachable(Attempt a) {
        CooldownRules.Rule rule = transientFailure(a);
        usage.finish(a, 502, true, "upstream unreachable");
        return badGateway(a, "upstream_unreachable",
                "upstream provider " + a.credential().provider() + " could not be reached", rule);
    }

    /**
     * The upstream answered with an error status (or a redirect, which is never followed). The credential's key
     * and {@code usedToken} (the OAuth token sent, or null) are scrubbed from the body first.
     */
    Outcome.Failed answered(Attempt a, Response resp, String usedToken) throws RuntimeException {
        int status = resp.status();
        byte[] eb;
        try (resp) {
            eb = readLimited(resp.decodedBody(), ERROR_BODY_LIMIT);
        } catch (RuntimeException | IOException e) {
            eb = new byte[0];
        }
        eb = SecretScrub.scrub(eb, SecretScrub.secretsOf(a, usedToken));
        String ct = resp.first("content-type").orElse("application/json");
        Duration retryAfter = retryAfter(resp.first("retry-after").orElse(null));
        String text = new String(eb, StandardCharsets.UTF_8);
        CooldownRules.Rule rule = mark(a, status, errorCode(eb), text, retryAfter);
        usage.finish(a, status, true, new String(eb, 0, Math.min(eb.length, 2048), StandardCharsets.UTF_8));
        if (status < 400) {
            // redirects are never followed (they could leak the key elsewhere); to the client it is a bad gateway
            return badGateway(a, "upstream_redirect", "the upstream answered with a redirect (" + status + ")", rule);
        }
        if (a.translation() != null) {
            // the client cannot read the upstream's envelope: the same error in the client's
            eb = writeBytes(Errors.render(a.clientFormat(), Errors.parse(a.upstreamFormat(), status, text)));
            ct = "application/json";
        }
        return new Outcome.Failed(status, ct, eb, retryAfter, rule, UpstreamHeaders.forClient(a.config(), resp));
    }

    /** A JSON answer that broke off while being read. */
    Outcome.Failed cutShort(Attempt a) {
        CooldownRules.Rule rule = transientFailure(a);
        usage.finish(a, 502, true, "upstream response cut short");
        return badGateway(a, "upstream_error", "upstream response was cut short", rule);
    }

    /** A JSON answer larger than the gateway holds: a bad gateway, without cooling the credential. */
    Outcome.Failed tooLarge(Attempt a, int limit) {
        usage.finish(a, 502, true, "upstream response too large");
        return badGateway(a, "upstream_response_too_large", "the upstream's answer is larger than "
                + limit / (1024 * 1024) + " MiB", CooldownRules.ruleFor(400, null));
    }

    /** A stream that reported a failure before anything reached the client: fail over like an HTTP error. */
    Outcome.Failed inStream(Attempt a, UpstreamError raw) {
        UpstreamError error = scrubbed(a, raw);
        CooldownRules.Rule rule = mark(a, error.status(), error.type(), error.message(), null);
        usage.finish(a, error.status(), true, error.message());
        return new Outcome.Failed(error.status(), "application/json",
                writeBytes(Errors.render(a.clientFormat(), error)), null, rule);
    }

    private static UpstreamError scrubbed(Attempt a, UpstreamError e) {
        String message = e.message() == null ? null : SecretScrub.scrub(e.message(), SecretScrub.secretsOf(a, null));
        return new UpstreamError(e.status(), e.type(), message);
    }

    /** An upstream answer the translator could not read: a bad gateway, without cooling the credential. */
    Outcome.Failed untranslatable(Attempt a) {
        usage.finish(a, 502, true, "upstream answer could not be translated");
        return badGateway(a, "translation_failed", "the upstream's answer could not be translated",
                CooldownRules.ruleFor(400, null));
    }

    /** A 502 of the gateway's own, in the client's envelope. */
    private static Outcome.Failed badGateway(Attempt a, String code, String message, CooldownRules.Rule rule) {
        return new Outcome.Failed(502, "application/json", a.family().bytes(ClientError.of(502, code, message)),
                null, rule);
    }

    /** A connection that failed (before or during the answer): the transient cooldown, if cooling is on. */
    CooldownRules.Rule transientFailure(Attempt a) {
        return pool.markFailure(a.candidate(), 502, null, null, a.cooling(), a.config().transientCooldown());
    }

    private CooldownRules.Rule mark(Attempt a, int status, String code, String body, Duration retryAfter) {
        CooldownRules.Rule rule = a.credential().scopedErrors().decide(CooldownRules.ruleFor(status, code), status,
                body);
        return pool.markFailure(a.candidate(), rule, status, retryAfter, a.cooling(), a.config().transientCooldown());
    }

    private static byte[] writeBytes(Object tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] readLimited(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0 && out.size() < limit) {
            out.write(buf, 0, Math.min(n, limit - out.size()));
        }
        return out.toByteArray();
    }

    /** The upstream's machine-readable error code or type, if its body has one. */
    static String errorCode(byte[] body) {
        try {
            JsonNode e = JSON.readTree(body).path("error");
            for (String f : List.of("code", "type", "status")) {
                if (e.path(f).isTextual()) {
                    return e.path(f).asText();
                }
            }
        } catch (IOException | RuntimeException ex) {
            // not JSON
        }
        return null;
    }

    static Duration retryAfter(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            long s = Long.parseLong(v.trim());
            return s > 0 ? Duration.ofSeconds(s) : null;
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(),
                        ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() || d.isZero() ? null : d;
            } catch (RuntimeException ex) {
                return null;
            }
        }
    }
}
