package dev.spacegate.server.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.spacegate.server.providers.OAuthProvider;

import static dev.spacegate.server.routing.RouteRule.Action.REDIRECT;
import static dev.spacegate.server.routing.RouteRule.Action.REWRITE;
import static dev.spacegate.server.routing.RouteRule.Action.STRIP;
import static dev.spacegate.server.routing.RouteRule.Action.STRIP_REROUTE;
import static dev.spacegate.server.routing.RouteRule.exact;
import static dev.spacegate.server.routing.RouteRule.fallback;
import static dev.spacegate.server.routing.RouteRule.prefix;

/**
 * The single-port path table: which part of the server owns a path. Matching is exact first, then the
 * longest prefix, then the fallback. The profiles below are the only place paths are assigned to owners;
 * routing, the {@code routes} command and docs/routes.md all read them.
 */
public final class RouteTable {
    public static final String GATEWAY = "gateway";
    public static final String MANAGER = "manager";
    public static final String PANEL = "panel";

    /**
     * The gateway's own management paths: usage queue, client key sources, auth files, and a login URL per OAuth
     * provider. A management path the gateway adds needs its rule here (RouteTruthTest walks every endpoint).
     */
    private static final List<RouteRule> GATEWAY_MANAGEMENT = gatewayManagement();

    private static List<RouteRule> gatewayManagement() {
        List<RouteRule> out = new ArrayList<>(List.of(
                exact("/v0/management/usage-queue", GATEWAY),
                exact("/v0/management/client-key-sources", GATEWAY),
                prefix("/v0/management/auth-files", GATEWAY),
                exact("/v0/management/get-auth-status", GATEWAY),
                exact("/v0/management/oauth-session", GATEWAY),
                exact("/v0/management/oauth-callback", GATEWAY)));
        for (OAuthProvider p : OAuthProvider.values()) {
            if (p.flow() != OAuthProvider.Flow.NONE) {
                out.add(exact("/v0/management/" + p.loginName() + "-auth-url", GATEWAY));
            }
        }
        return List.copyOf(out);
    }

    /** The OAuth callbacks of the providers' login flows; the gateway finishes logins there. */
    private static final List<RouteRule> OAUTH_CALLBACKS =
            OAuthProvider.CALLBACK_PATHS.stream().map(path -> exact(path, GATEWAY)).toList();

    /**
     * Everything in one server: built-in gateway, manager and panel (CLIProxyAPI + CPA-Manager paths). The
     * management API is the manager's (its CLIProxyAPI config subset included), except the gateway's own
     * management paths: the usage queue, the auth files and the OAuth logins.
     */
    static final List<RouteRule> BUNDLED = bundled(MANAGER);

    /**
     * {@code bundled} with {@code GATEWAY_UPSTREAM}: the external CLIProxyAPI keeps its own config API, so the
     * management paths the manager does not define go to it.
     */
    static final List<RouteRule> BUNDLED_EXTERNAL_GATEWAY = bundled(GATEWAY);

    private static List<RouteRule> bundled(String managementOwner) {
        List<RouteRule> out = new ArrayList<>(List.of(
                exact("/", PANEL),
                exact("/management.html", PANEL),
                exact("/cpm", PANEL).then(REDIRECT, "/cpm/"),
                exact("/cpm/", PANEL),
                prefix("/cpm/", PANEL).then(STRIP_REROUTE, "/cpm"),
                prefix("/panel/", PANEL),
                exact("/health", MANAGER),
                exact("/status", MANAGER),
                exact("/setup", MANAGER),
                prefix("/usage-service/", MANAGER),
                exact("/v0/management/usage", MANAGER),
                prefix("/v0/management/usage/", MANAGER),
                prefix("/v0/management/model-prices", MANAGER),
                prefix("/v0/management/api-key-aliases", MANAGER),
                prefix("/v0/management/dashboard/", MANAGER),
                prefix("/v0/management/monitoring/", MANAGER),
                prefix("/v0/management/", managementOwner)));
        out.addAll(GATEWAY_MANAGEMENT);
        out.addAll(List.of(
                prefix("/v1/", GATEWAY),
                prefix("/v1beta/", GATEWAY),
                prefix("/backend-api/codex/", GATEWAY),
                exact("/healthz", GATEWAY),
                fallback(GATEWAY)));
        out.addAll(OAUTH_CALLBACKS);
        return List.copyOf(out);
    }

    /** The Caddyfile of the Hugging Face Space guide: CLIProxyAPI + CPA-Manager behind one port. */
    static final List<RouteRule> CPA_MANAGER = rules(
            exact("/cpm", MANAGER).then(REDIRECT, "/cpm/"),
            exact("/cpm/", MANAGER).then(REWRITE, "/management.html"),
            prefix("/cpm/", MANAGER).then(STRIP, "/cpm"),
            exact("/health", MANAGER),
            exact("/status", MANAGER),
            exact("/setup", MANAGER),
            prefix("/usage-service/", MANAGER),
            exact("/v0/management/usage", MANAGER),
            exact("/v0/management/usage/export", MANAGER),
            exact("/v0/management/usage/import", MANAGER),
            prefix("/v0/management/model-prices", MANAGER),
            fallback(GATEWAY));

    /** The nginx config of CPA Manager Plus: the manager fronts management, CLIProxyAPI the APIs. */
    static final List<RouteRule> CPAMP = withCallbacks(
            exact("/", MANAGER).then(REDIRECT, "/management.html"),
            exact("/management.html", MANAGER),
            exact("/health", MANAGER),
            exact("/status", MANAGER),
            exact("/setup", MANAGER),
            prefix("/usage-service/", MANAGER),
            prefix("/v0/management/", MANAGER),
            prefix("/v0/resource/plugins/", MANAGER),
            exact("/models", MANAGER),
            prefix("/v1/", GATEWAY),
            prefix("/v1beta/", GATEWAY),
            prefix("/backend-api/codex/", GATEWAY),
            prefix("/api/", GATEWAY),
            exact("/healthz", GATEWAY),
            fallback(GATEWAY));

    private static final Map<String, List<RouteRule>> PROFILES =
            Map.of("bundled", BUNDLED, "cpa-manager", CPA_MANAGER, "cpamp", CPAMP);

    /** Profile names in documentation order. */
    public static final List<String> PROFILE_NAMES = List.of("bundled", "cpa-manager", "cpamp");

    private static final int MAX_REROUTES = 4;

    private final String profile;
    private final List<RouteRule> rules;
    /** The rules in the order they are tried, the first match wins; computed once, every request walks it. */
    private final List<RouteRule> tried;

    private RouteTable(String profile, List<RouteRule> rules) {
        this.profile = profile;
        this.rules = rules;
        this.tried = ordered(rules);
    }

    /** The table of a named profile with its built-in parts; an unknown name is an error listing the known ones. */
    public static RouteTable profile(String name) {
        return profile(name, false);
    }

    /**
     * The table a server runs: {@code externalGateway} is true when {@code GATEWAY_UPSTREAM} is set, which in
     * {@code bundled} hands the config API to that external gateway.
     */
    public static RouteTable profile(String name, boolean externalGateway) {
        List<RouteRule> r = name.equals("bundled") && externalGateway ? BUNDLED_EXTERNAL_GATEWAY : PROFILES.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown route profile '" + name + "' (known: "
                    + String.join(", ", PROFILE_NAMES) + ")");
        }
        return new RouteTable(name, r);
    }

    public String name() {
        return profile;
    }

    public List<RouteRule> rules() {
        return rules;
    }

    /** The owners this table hands paths to. */
    public Set<String> owners() {
        return Set.copyOf(rules.stream().map(RouteRule::owner).toList());
    }

    /**
     * Who serves a normalised path, by which rule, and with which path.
     *
     * @param path        the normalised request path
     * @param owner       the owner that serves it
     * @param targetPath  the path handed to the owner (after strip or rewrite)
     * @param redirect    the redirect location when the rule redirects
     * @param matched     the rules applied, in order (more than one after a strip-and-route-again)
     */
    public record Decision(String path, String owner, String targetPath, Optional<String> redirect,
                           List<RouteRule> matched) {
        public RouteRule rule() {
            return matched.get(matched.size() - 1);
        }
    }

    /** Decides the owner of an already normalised path. */
    public Decision decide(String path) {
        List<RouteRule> trail = new ArrayList<>();
        String current = path;
        for (int i = 0; i <= MAX_REROUTES; i++) {
            RouteRule rule = match(current);
            trail.add(rule);
            switch (rule.action()) {
                case SERVE:
                    return new Decision(path, rule.owner(), current, Optional.empty(), List.copyOf(trail));
                case REWRITE:
                    return new Decision(path, rule.owner(), rule.target(), Optional.empty(), List.copyOf(trail));
                case REDIRECT:
                    return new Decision(path, rule.owner(), current, Optional.of(rule.target()), List.copyOf(trail));
                case STRIP:
                    return new Decision(path, rule.owner(), strip(current, rule.target()), Optional.empty(),
                            List.copyOf(trail));
                case STRIP_REROUTE:
                    current = strip(current, rule.target());
                    break;
                default:
                    throw new IllegalStateException(rule.action().name());
            }
        }
        // Only reachable with a self-referencing table; the profiles above are checked by tests.
        throw new IllegalStateException("route table " + profile + " loops on " + path);
    }

    private RouteRule match(String path) {
        for (RouteRule r : tried) {
            if (r.matches(path)) {
                return r;
            }
        }
        throw new IllegalStateException("route table " + profile + " has no fallback");
    }

    private static String strip(String path, String prefix) {
        String rest = path.substring(prefix.length());
        return rest.isEmpty() ? "/" : rest;
    }

    /** The table as aligned text, for the {@code routes} command. */
    public String print() {
        StringBuilder sb = new StringBuilder("route profile: " + profile + "\n");
        sb.append(String.format("%-42s %-8s %s%n", "MATCH", "OWNER", "ACTION"));
        for (RouteRule r : tried) {
            sb.append(String.format("%-42s %-8s %s%n", r.describe(), r.owner(), r.describeAction()));
        }
        return sb.toString();
    }

    /** The table as a Markdown table, for docs/routes.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| match | path | owner | action |\n|---|---|---|---|\n");
        for (RouteRule r : tried) {
            sb.append("| ").append(r.match().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(r.match() == RouteRule.Match.FALLBACK ? "(anything else)" : "`" + r.pattern() + "`")
                    .append(" | ").append(r.owner()).append(" | ").append(r.describeAction()).append(" |\n");
        }
        return sb.toString();
    }

    /** Exact rules, prefixes longest first, fallback. */
    private static List<RouteRule> ordered(List<RouteRule> rules) {
        List<RouteRule> out = new ArrayList<>();
        rules.stream().filter(r -> r.match() == RouteRule.Match.EXACT).forEach(out::add);
        rules.stream().filter(r -> r.match() == RouteRule.Match.PREFIX)
                .sorted(Comparator.comparingInt((RouteRule r) -> r.pattern().length()).reversed()
                        .thenComparing(RouteRule::pattern))
                .forEach(out::add);
        rules.stream().filter(r -> r.match() == RouteRule.Match.FALLBACK).forEach(out::add);
        return List.copyOf(out);
    }

    private static List<RouteRule> rules(RouteRule... items) {
        return List.of(items);
    }

    /** A profile's rules plus the OAuth callbacks, listed on their own as the seeds' configs did. */
    private static List<RouteRule> withCallbacks(RouteRule... items) {
        List<RouteRule> out = new ArrayList<>(List.of(items));
        out.addAll(OAUTH_CALLBACKS);
        return List.copyOf(out);
    }
}
