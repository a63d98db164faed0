package dev.spacegate.server.routing;

/**
 * One row of the route table: how a normalised path is matched, who owns it and what happens to the path.
 *
 * @param match   exact path, path prefix, or the fallback row
 * @param pattern the path (exact) or the prefix; ignored for the fallback
 * @param owner   {@code gateway}, {@code manager} or {@code panel}
 * @param action  what the router does with the path before handing it over
 * @param target  the prefix to strip, the rewritten path or the redirect location, depending on the action
 */
public record RouteRule(Match match, String pattern, String owner, Action action, String target) {

    /** How a rule matches. */
    public enum Match { EXACT, PREFIX, FALLBACK }

    /** What the router does with a matched path. */
    public enum Action {
        /** Hand the path to the owner unchanged. */
        SERVE,
        /** Hand the owner the path with {@code target} rewritten in its place. */
        REWRITE,
        /** Strip the {@code target} prefix and hand the rest to this rule's owner. */
        STRIP,
        /** Strip the {@code target} prefix and look the rest up in the table again. */
        STRIP_REROUTE,
        /** Answer with a redirect to {@code target} (query kept). */
        REDIRECT
    }

    static RouteRule exact(String path, String owner) {
        return new RouteRule(Match.EXACT, path, owner, Action.SERVE, "");
    }

    static RouteRule prefix(String prefix, String owner) {
        return new RouteRule(Match.PREFIX, prefix, owner, Action.SERVE, "");
    }

    static RouteRule fallback(String owner) {
        return new RouteRule(Match.FALLBACK, "", owner, Action.SERVE, "");
    }

    RouteRule then(Action newAction, String newTarget) {
        return new RouteRule(match, pattern, owner, newAction, newTarget);
    }

    boolean matches(String path) {
        return switch (match) {
            case EXACT -> path.equals(pattern);
            case PREFIX -> path.startsWith(pattern);
            case FALLBACK -> true;
        };
    }

    /** The rule as it reads in {@code routes} output and docs, e.g. {@code prefix /v1/}. */
    public String describe() {
        return switch (match) {
            case EXACT -> "exact " + pattern;
            case PREFIX -> "prefix " + pattern;
            case FALLBACK -> "fallback";
        };
    }

    /** The action as it reads in {@code routes} output and docs. */
    public String describeAction() {
        return switch (action) {
            case SERVE -> "serve";
            case REWRITE -> "rewrite to " + target;
            case STRIP -> "strip " + target;
            case STRIP_REROUTE -> "strip " + target + ", route again";
            case REDIRECT -> "redirect to " + target;
        };
    }
}
