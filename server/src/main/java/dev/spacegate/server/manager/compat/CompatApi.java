package dev.spacegate.server.manager.compat;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.manager.ManagementEndpoints;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.manager.setup.ManagementKeys;
import dev.spacegate.server.routing.Endpoints;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The rest of CLIProxyAPI's management API (beyond the config subset of {@code ConfigApi}): every route CLIProxyAPI
 * documents answers with its shape, or with {@code 501 not_supported} naming what to use instead. Every route
 * needs the management key. Built from small parts, one per topic.
 */
public final class CompatApi {
    static final String BASE = "/v0/management";

    /** One topic's routes. */
    public interface Part {
        void routes(Endpoints.Builder b);

        /** False for the parts that only answer 501 not_supported: they do not count as serving a path. */
        default boolean supported() {
            return true;
        }
    }

    private final ManagementKeys keys;
    private final Endpoints endpoints;
    /** The routes with a real answer (the 501 stubs left out), for {@link #serves}. */
    private final Endpoints supported;

    public CompatApi(ManagementKeys keys, List<Part> parts) {
        this.keys = keys;
        Endpoints.Builder b = Endpoints.builder();
        parts.forEach(p -> p.routes(b));
        this.endpoints = b.build();
        Endpoints.Builder real = Endpoints.builder();
        parts.stream().filter(Part::supported).forEach(p -> p.routes(real));
        this.supported = real.build();
    }

    /**
     * The API over a built-in manager and gateway: every part, the request log following the config's
     * {@code request-log}, and the config's ignored keys logged once at start.
     */
    public static CompatApi bundled(LiveConfig config, ManagementKeys keys, GatewayService gateway,
                                    RequestCounters counters, RequestLogs requestLogs) {
        ObjectNode doc = config.current();
        ConfigKeys.logReport(doc, "start-up");
        requestLogs.enabled(doc.path("request-log").asBoolean(false));
        config.onChange(d -> requestLogs.enabled(d.path("request-log").asBoolean(false)));
        return new CompatApi(keys, List.of(new ChannelMapsApi(config), new SettingsApi(config),
                new ConfigKeysApi(config), new LogsApi(LogTail.installed()), new RequestLogApi(requestLogs),
                new RuntimeApi(gateway, counters), new ApiCallApi(gateway), new VertexImportApi(gateway),
                new NotSupported()));
    }

    /**
     * Whether a call has a real answer here (the panel's capability probe asks); a path that only answers
     * {@code 501 not_supported} does not count, so the panel shows it as not offered instead of failing on it.
     */
    public boolean serves(Method method, String path) {
        return supported.serves(method, path);
    }

    public List<String> endpoints() {
        return endpoints.describe();
    }

    /**
     * Serves one of these routes (management key first).
     *
     * @return false when the path is not one of them (the caller answers it)
     */
    public boolean serve(ServerRequest req, ServerResponse res, String path) throws Exception {
        return ManagementEndpoints.serve(endpoints, keys, req, res, path);
    }
}
