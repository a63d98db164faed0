package dev.spacegate.server.gateway.config;

import dev.spacegate.server.providers.ProviderKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.providers.ApiFormat;

/**
 * CLIProxyAPI's {@code payload} rules (§2.2): parameters set when missing ({@code default}, {@code default-raw}),
 * always set ({@code override}, {@code override-raw}) or removed ({@code filter}) in the body that goes upstream,
 * for the models, upstream protocols, client protocols and requests the rule names. Applied in that order, after
 * translation. A request no rule selects goes upstream byte for byte as before.
 *
 * <p>Over 400 lines: the payload rule language (matching, JSON paths, the four rule kinds) is one small interpreter.
 */
public record PayloadRules(List<Rule> rules) {
    /** No rules. */
    public static final PayloadRules NONE = new PayloadRules(List.of());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROTOCOLS = List.of("openai", "gemini", "claude", "codex", "antigravity");
    private static final List<String> FROM_PROTOCOLS = List.of("openai", "responses", "gemini", "claude");

    /** What a rule does with its parameters. */
    public enum Kind {
        /** Sets a parameter only when the body lacks it. */
        DEFAULT("default", false),
        /** {@link #DEFAULT} with values written as JSON text. */
        DEFAULT_RAW("default-raw", true),
        /** Sets a parameter whatever the body holds. */
        OVERRIDE("override", false),
        /** {@link #OVERRIDE} with values written as JSON text. */
        OVERRIDE_RAW("override-raw", true),
        /** Removes parameters. */
        FILTER("filter", false);

        private final String section;
        private final boolean raw;

        Kind(String section, boolean raw) {
            this.section = section;
            this.raw = raw;
        }
    }

    /**
     * Which requests a rule applies to; every given condition must hold.
     *
     * @param name         model name, {@code *} as wildcard, compared with the client's and the upstream's name
     * @param protocol     the upstream's protocol ({@code openai, gemini, claude, codex, antigravity}) or null
     * @param fromProtocol the client's protocol ({@code openai, responses, gemini, claude}) or null
     * @param headers      client headers (lower-case names) and the wildcard their value must match
     * @param match        paths whose value must equal the given one
     * @param notMatch     paths whose value must not equal the given one
     * @param exist        paths that must be present
     * @param notExist     paths that must be absent
     */
    public record Selector(Pattern name, String protocol, String fromProtocol, Map<String, Pattern> headers,
                           Map<String, JsonNode> match, Map<String, JsonNode> notMatch, List<String> exist,
                           List<String> notExist) {
        boolean selects(String clientModel, String upstreamModel, String upstreamProtocol, String clientProtocol,
                        Map<String, String> clientHeaders) {
            if (!name.matcher(clientModel).matches() && !name.matcher(upstreamModel).matches()) {
                return false;
            }
            if ((protocol != null && !protocol.equals(upstreamProtocol))
                    || (fromProtocol != null && !fromProtocol.equals(clientProtocol))) {
                return false;
            }
            for (Map.Entry<String, Pattern> h : headers.entrySet()) {
                String v = clientHeaders.get(h.getKey());
                if (v == null || !h.getValue().matcher(v).matches()) {
                    return false;
                }
            }
            return true;
        }

        boolean holdsFor(ObjectNode body) {
            for (Map.Entry<String, JsonNode> m : match.entrySet()) {
                if (!same(get(body, m.getKey()), m.getValue())) {
                    return false;
                }
            }
            for (Map.Entry<String, JsonNode> m : notMatch.entrySet()) {
                if (same(get(body, m.getKey()), m.getValue())) {
                    return false;
                }
            }
            return exist.stream().allMatch(p -> get(body, p) != null)
                    && notExist.stream().allMatch(p -> get(body, p) == null);
        }
    }

    /**
     * One rule.
     *
     * @param kind   what it does
     * @param models the requests it applies to (any one selecting is enough)
     * @param values path to value ({@code filter}: the paths, with null values)
     */
    public record Rule(Kind kind, List<Selector> models, Map<String, JsonNode> values) {
    }

    /** A rule and those of its selectors that pick the request at hand. */
    private record Picked(Rule rule, List<Selector> selectors) {
    }

    /** The body to send: {@code body} itself when no rule selects the request or it is not a JSON object. */
    public byte[] apply(byte[] body, String clientModel, String upstreamModel, ProviderKind upstream,
                        ApiFormat client, Map<String, String> clientHeaders) {
        if (rules.isEmpty()) {
            return body;
        }
        String up = protocol(upstream);
        String from = fromProtocol(client);
        // the selectors that pick this request, per rule; body conditions are checked as the rules run
        List<Picked> selected = new ArrayList<>();
        for (Rule r : rules) {
            List<Selector> s = r.models().stream()
                    .filter(m -> m.selects(clientModel, upstreamModel, up, from, clientHeaders)).toList();
            if (!s.isEmpty()) {
                selected.add(new Picked(r, s));
            }
        }
        if (selected.isEmpty()) {
            return body;
        }
        ObjectNode tree;
        try {
            if (!(JSON.readTree(body) instanceof ObjectNode o)) {
                return body;
            }
            tree = o;
        } catch (IOException e) {
            return body;
        }
        // rules are kept in kind order (parse reads the sections in that order), so this runs defaults first
        for (Picked p : selected) {
            if (p.selectors().stream().noneMatch(s -> s.holdsFor(tree))) {
                continue;
            }
            p.rule().values().forEach((path, value) -> {
                switch (p.rule().kind()) {
                    case DEFAULT, DEFAULT_RAW -> {
                        if (get(tree, path) == null) {
                            set(tree, path, value.deepCopy());
                        }
                    }
                    case OVERRIDE, OVERRIDE_RAW -> set(tree, path, value.deepCopy());
                    case FILTER -> remove(tree, path);
                }
            });
        }
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            return body;
        }
    }

    private static String protocol(ProviderKind kind) {
        return switch (kind) {
            case OPENAI_COMPATIBILITY -> "openai";
            case CLAUDE_API_KEY -> "claude";
            case GEMINI_API_KEY -> "gemini";
            case CODEX_API_KEY -> "codex";
        };
    }

    private static String fromProtocol(ApiFormat format) {
        return switch (format) {
            case OPENAI_CHAT -> "openai";
            case OPENAI_RESPONSES -> "responses";
            case CLAUDE -> "claude";
            case GEMINI -> "gemini";
        };
    }

    private static boolean same(JsonNode actual, JsonNode expected) {
        if (actual == null) {
            return false;
        }
        if (actual.equals(expected)) {
            return true;
        }
        // YAML may give "true" or 1 where the body has true or 1.0: compare scalar texts
        return actual.isValueNode() && expected.isValueNode() && actual.asText().equals(expected.asText());
    }

    // --- paths: dot-separated keys, "\." for a dot inside a key, numbers index arrays (-1 appends) ----------

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char ch = path.charAt(i);
            if (ch == '\\' && i + 1 < path.length()) {
                cur.append(path.charAt(++i));
            } else if (ch == '.') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    static JsonNode get(JsonNode root, String path) {
        JsonNode n = root;
        for (String s : segments(path)) {
            if (n instanceof ObjectNode o) {
                n = o.get(s);
            } else if (n instanceof ArrayNode a && index(s) >= 0) {
                n = a.get(index(s));
            } else {
                return null;
            }
            if (n == null) {
                return null;
            }
        }
        return n.isMissingNode() ? null : n;
    }

    static void set(ObjectNode root, String path, JsonNode value) {
        List<String> segs = segments(path);
        JsonNode n = root;
        for (int i = 0; i < segs.size(); i++) {
            String s = segs.get(i);
            boolean last = i == segs.size() - 1;
            if (n instanceof ArrayNode a && (index(s) >= 0 || s.equals("-1"))) {
                int at = s.equals("-1") ? a.size() : index(s);
                while (a.size() < at) {
                    a.addNull();
                }
                if (last) {
                    if (at == a.size()) {
                        a.add(value);
                    } else {
                        a.set(at, value);
                    }
                    return;
                }
                if (at == a.size() || !a.get(at).isContainerNode()) {
                    JsonNode fresh = container(segs.get(i + 1));
                    if (at == a.size()) {
                        a.add(fresh);
                    } else {
                        a.set(at, fresh);
                    }
                }
                n = a.get(at);
            } else if (n instanceof ObjectNode o) {
                if (last) {
                    o.set(s, value);
                    return;
                }
                JsonNode next = o.get(s);
                if (next == null || !next.isContainerNode()) {
                    next = container(segs.get(i + 1));
                    o.set(s, next);
                }
                n = next;
            } else {
                return; // a key inside a scalar or an array: nothing sensible to set
            }
        }
    }

    /** What a missing step becomes: an array when the next key indexes one, else an object. */
    private static JsonNode container(String nextKey) {
        return index(nextKey) >= 0 || nextKey.equals("-1") ? JSON.createArrayNode() : JSON.createObjectNode();
    }

    static void remove(ObjectNode root, String path) {
        List<String> segs = segments(path);
        JsonNode parent = segs.size() == 1 ? root : get(root, String.join(".", escaped(segs.subList(0,
                segs.size() - 1))));
        String last = segs.get(segs.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a && index(last) >= 0 && index(last) < a.size()) {
            a.remove(index(last));
        }
    }

    private static List<String> escaped(List<String> segs) {
        return segs.stream().map(s -> s.replace("\\", "\\\\").replace(".", "\\.")).toList();
    }

    private static int index(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }

    // --- config ----------------------------------------------------------------------------------------

    /** Reads the {@code payload} section; each problem is added to {@code problems} as a message naming the rule. */
    public static PayloadRules parse(JsonNode section, List<String> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return NONE;
        }
        if (!section.isObject()) {
            problems.add("payload must be a map with default, default-raw, override, override-raw and filter");
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            JsonNode list = section.path(kind.section);
            if (list.isMissingNode() || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                problems.add("payload." + kind.section + " must be a list of rules");
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                Rule r = rule(kind, list.get(i), "payload." + kind.section + "[" + i + "]", problems);
                if (r != null) {
                    rules.add(r);
                }
            }
        }
        return rules.isEmpty() ? NONE : new PayloadRules(List.copyOf(rules));
    }

    private static Rule rule(Kind kind, JsonNode r, String at, List<String> problems) {
        int before = problems.size();
        List<Selector> models = new ArrayList<>();
        JsonNode ms = r.path("models");
        if (!ms.isArray() || ms.isEmpty()) {
            problems.add(at + ": models must list at least one {name: ...}");
        } else {
            for (int i = 0; i < ms.size(); i++) {
                Selector s = selector(ms.get(i), at + ".models[" + i + "]", problems);
                if (s != null) {
                    models.add(s);
                }
            }
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        JsonNode params = r.path("params");
        if (kind == Kind.FILTER) {
            if (!params.isArray() || params.isEmpty()) {
                problems.add(at + ": params must list the paths to remove");
            } else {
                params.forEach(p -> values.put(p.asText(), null));
            }
        } else if (!params.isObject() || params.isEmpty()) {
            problems.add(at + ": params must map paths to values");
        } else {
            params.properties().forEach(p -> {
                JsonNode v = p.getValue();
                if (kind.raw) {
                    try {
                        v = JSON.readTree(v.asText());
                    } catch (IOException e) {
                        v = null;
                    }
                    if (v == null || v.isMissingNode()) {
                        problems.add(at + ": params." + p.getKey() + " must be valid JSON text");
                        return;
                    }
                }
                values.put(p.getKey(), v);
            });
        }
        return problems.size() > before ? null
                : new Rule(kind, List.copyOf(models), Collections.unmodifiableMap(values));
    }

    private static Selector selector(JsonNode m, String at, List<String> problems) {
        String name = m.path("name").asText("").trim();
        if (name.isEmpty()) {
            problems.add(at + ": name is required (\"*\" for every model)");
            return null;
        }
        String protocol = lowerOrNull(m.path("protocol"));
        if (protocol != null && !PROTOCOLS.contains(protocol)) {
            problems.add(at + ": protocol must be one of " + String.join(", ", PROTOCOLS));
            return null;
        }
        String from = lowerOrNull(m.path("from-protocol"));
        if (from != null && !FROM_PROTOCOLS.contains(from)) {
            problems.add(at + ": from-protocol must be one of " + String.join(", ", FROM_PROTOCOLS));
            return null;
        }
        Map<String, Pattern> headers = new LinkedHashMap<>();
        m.path("headers").properties().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT),
                wildcard(h.getValue().asText())));
        return new Selector(wildcard(name), protocol, from, Map.copyOf(headers), conditions(m.path("match")),
                conditions(m.path("not-match")), paths(m.path("exist")), paths(m.path("not-exist")));
    }

    /** {@code [{path: value}, ...]} or {@code {path: value, ...}}. */
    private static Map<String, JsonNode> conditions(JsonNode n) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (n.isObject()) {
            n.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        } else if (n.isArray()) {
            n.forEach(item -> item.properties().forEach(e -> out.put(e.getKey(), e.getValue())));
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<String> paths(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(p -> out.add(p.asText()));
        } else if (n.isTextual()) {
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    private static String lowerOrNull(JsonNode n) {
        String s = n.asText("").trim().toLowerCase(Locale.ROOT);
        return s.isEmpty() ? null : s;
    }

    private static Pattern wildcard(String glob) {
        StringBuilder re = new StringBuilder();
        String[] parts = glob.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            re.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
