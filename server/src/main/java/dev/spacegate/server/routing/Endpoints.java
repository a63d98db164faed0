package dev.spacegate.server.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * One owner's own path table (method + pattern -> handler), matched against the router's normalised path.
 *
 * <p>Patterns are literal paths with {@code {name}} segments (one segment) or a trailing {@code *}
 * (any rest). A Gemini style action path such as {@code /v1beta/models/{model}:generateContent} is a
 * literal suffix after a parameter, so it is written as {@code /v1beta/models/{model}} and the handler
 * splits on the colon.
 */
public final class Endpoints {

    /** Handles one matched call. */
    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws Exception;
    }

    /** A matched request: the Helidon request and response, the normalised path and its parameters. */
    public record Call(ServerRequest req, ServerResponse res, String path, Map<String, String> params) {
        public String param(String name) {
            return params.get(name);
        }
    }

    /** The outcome of a lookup: a handler, a path known with other methods (405), or nothing (404). */
    public sealed interface Lookup {
        record Found(Handler handler, Map<String, String> params) implements Lookup { }
        record WrongMethod(List<Method> allowed) implements Lookup { }
        record NotFound() implements Lookup { }
    }

    private record Entry(Method method, String pattern, Pattern regex, List<String> names, Handler handler) { }

    private final List<Entry> entries;

    private Endpoints(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Finds the handler for a method and normalised path. */
    public Lookup lookup(Method method, String path) {
        List<Method> allowed = new ArrayList<>();
        for (Entry e : entries) {
            Matcher m = e.regex.matcher(path);
            if (!m.matches()) {
                continue;
            }
            if (e.method.equals(method) || (method.equals(Method.HEAD) && e.method.equals(Method.GET))) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < e.names.size(); i++) {
                    params.put(e.names.get(i), m.group(i + 1));
                }
                return new Lookup.Found(e.handler, params);
            }
            allowed.add(e.method);
        }
        return allowed.isEmpty() ? new Lookup.NotFound() : new Lookup.WrongMethod(allowed);
    }

    /** Whether a call with this method and normalised path has a handler here. */
    public boolean serves(Method method, String path) {
        return lookup(method, path) instanceof Lookup.Found;
    }

    /** Declared (method, pattern) pairs, for documentation and tests. */
    public List<String> describe() {
        return entries.stream().map(e -> e.method.text() + " " + e.pattern).toList();
    }

    /** Collects entries in declaration order; the first matching entry wins. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        public Builder get(String pattern, Handler h) {
            return add(Method.GET, pattern, h);
        }

        public Builder post(String pattern, Handler h) {
            return add(Method.POST, pattern, h);
        }

        public Builder put(String pattern, Handler h) {
            return add(Method.PUT, pattern, h);
        }

        public Builder patch(String pattern, Handler h) {
            return add(Method.PATCH, pattern, h);
        }

        public Builder delete(String pattern, Handler h) {
            return add(Method.DELETE, pattern, h);
        }

        public Builder add(Method method, String pattern, Handler h) {
            List<String> names = new ArrayList<>();
            entries.add(new Entry(method, pattern, compile(pattern, names), names, h));
            return this;
        }

        public Endpoints build() {
            return new Endpoints(entries);
        }

        private static Pattern compile(String pattern, List<String> names) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("endpoint pattern must start with '/': " + pattern);
            }
            StringBuilder re = new StringBuilder();
            Matcher m = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}|\\*$").matcher(pattern);
            int last = 0;
            while (m.find()) {
                re.append(Pattern.quote(pattern.substring(last, m.start())));
                if (m.group(1) != null) {
                    names.add(m.group(1));
                    re.append("([^/]+)");
                } else {
                    names.add("rest");
                    re.append("(.*)");
                }
                last = m.end();
            }
            re.append(Pattern.quote(pattern.substring(last)));
            return Pattern.compile(re.toString());
        }
    }

    /** Convenience for owners: the first value of a query parameter, if any. */
    public static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional();
    }
}
