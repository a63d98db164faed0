package dev.spacegate.server.manager.prices;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.web.Json;

import io.helidon.common.LazyValue;

/**
 * Refreshes model prices from public catalogues, in order: models.dev, LiteLLM's price file, OpenRouter. A model is
 * taken from the first source with one unambiguous match (exact id, case-insensitive, or the part after '/');
 * ambiguous models are reported with their candidates and tried in the next source. When every source fails nothing
 * is written and the call ends with 502 {@code model_price_sync_failed}.
 */
public final class PriceSync {
    private static final System.Logger LOG = System.getLogger(PriceSync.class.getName());
    /** Providers whose own catalogue entry wins over resellers' copies in models.dev. */
    private static final List<String> FIRST_PARTY = List.of("openai", "anthropic", "google", "xai", "deepseek",
            "mistral", "moonshotai");

    /** One catalogue: a name, where it is, and how its JSON becomes {@code source model id -> price}. */
    record Source(String name, URI url, Function<JsonNode, Map<String, ModelPrice>> parser) {
    }

    private final List<Source> sources;
    /** Built at the first sync: the JDK client loads the TLS context and trust store, a fifth of a second of start. */
    private final LazyValue<HttpClient> http;
    private final Duration timeout;
    private final PriceTable table;

    public PriceSync(PriceTable table, URI modelsDev, URI litellm, URI openRouter, Duration timeout) {
        this.table = table;
        this.timeout = timeout;
        this.sources = List.of(new Source("models.dev", modelsDev, PriceSync::parseModelsDev),
                new Source("litellm", litellm, PriceSync::parseLitellm),
                new Source("openrouter", openRouter, PriceSync::parseOpenRouter));
        this.http = LazyValue.create(() -> HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    /** Syncs the given models and returns the CPA-Manager-Plus style result. */
    public ObjectNode sync(Collection<String> models) {
        Set<String> wanted = new LinkedHashSet<>(models);
        Map<String, ModelPrice> found = new TreeMap<>();
        Map<String, String> matched = new TreeMap<>();
        Map<String, ArrayNode> candidates = new TreeMap<>();
        ArrayNode sourceResults = Json.MAPPER.createArrayNode();
        List<String> used = new ArrayList<>();
        int failures = 0;
        for (Source source : sources) {
            if (found.size() == wanted.size()) {
                break; // every requested model is covered
            }
            ObjectNode result = sourceResults.addObject().put("source", source.name());
            Map<String, ModelPrice> catalogue;
            try {
                catalogue = source.parser().apply(fetch(source.url()));
            } catch (IOException | RuntimeException e) {
                failures++;
                result.put("models", 0).put("skipped", 0).put("error", describe(e));
                LOG.log(System.Logger.Level.WARNING, "Price source " + source.name() + " failed: " + describe(e));
                continue;
            }
            used.add(source.name());
            int hits = match(source.name(), catalogue, wanted, found, matched, candidates);
            result.put("models", hits).put("skipped", wanted.size() - found.size());
        }
        if (failures == sources.size()) {
            throw new ApiError.Failure(502, "model_price_sync_failed", "every price source failed: "
                    + String.join("; ", sourceResults.findValuesAsText("error")));
        }
        if (!found.isEmpty()) {
            table.mergeSynced(found);
        }
        return result(wanted, found, matched, candidates, used, sourceResults);
    }

    /**
     * Prices the wanted models not found yet from one source's catalogue: one distinct price is a match, several
     * are candidates for the user to pick from. Returns the number of matches.
     */
    private static int match(String source, Map<String, ModelPrice> catalogue, Set<String> wanted,
                             Map<String, ModelPrice> found, Map<String, String> matched,
                             Map<String, ArrayNode> candidates) {
        int hits = 0;
        for (String model : wanted) {
            if (found.containsKey(model)) {
                continue;
            }
            Map<String, ModelPrice> distinct = distinctPrices(matches(catalogue, model));
            if (distinct.size() == 1) {
                Map.Entry<String, ModelPrice> e = distinct.entrySet().iterator().next();
                found.put(model, e.getValue().withSource(source));
                matched.put(model, e.getKey());
                candidates.remove(model);
                hits++;
            } else if (distinct.size() > 1) {
                ArrayNode c = Json.MAPPER.createArrayNode();
                distinct.forEach((id, p) -> c.addObject().put("source", source).put("sourceModelId", id)
                        .set("price", p.toJson()));
                candidates.put(model, c);
            }
        }
        return hits;
    }

    /** The CPA-Manager-Plus style result. */
    private static ObjectNode result(Set<String> wanted, Map<String, ModelPrice> found, Map<String, String> matched,
                                     Map<String, ArrayNode> candidates, List<String> used, ArrayNode sourceResults) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("source", used.size() == 1 ? used.get(0) : "multi");
        used.forEach(out.putArray("sources")::add);
        out.put("imported", found.size());
        out.put("skipped", wanted.size() - found.size());
        ObjectNode m = out.putObject("matched");
        matched.forEach(m::put);
        ArrayNode cands = out.putArray("candidates");
        candidates.forEach((model, c) -> cands.addObject().put("model", model).set("candidates", c));
        ArrayNode unmatched = out.putArray("unmatched");
        wanted.stream().filter(w -> !found.containsKey(w) && !candidates.containsKey(w)).forEach(unmatched::add);
        out.putArray("preserved");
        out.set("sourceResults", sourceResults);
        ObjectNode prices = out.putObject("prices");
        found.forEach((model, p) -> prices.set(model, p.toJson()));
        return out;
    }

    private JsonNode fetch(URI url) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").GET().build();
        try {
            HttpResponse<byte[]> res = http.get().send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + res.statusCode());
            }
            return Json.MAPPER.readTree(res.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static String describe(Exception e) {
        String kind = e instanceof java.net.ConnectException ? "unreachable"
                : e instanceof java.net.http.HttpTimeoutException ? "timed out"
                : e instanceof com.fasterxml.jackson.core.JsonProcessingException ? "not JSON"
                : e.getMessage() != null && e.getMessage().startsWith("HTTP ") ? e.getMessage()
                : e.getClass().getSimpleName();
        return kind;
    }

    /** Catalogue entries whose id is the model, case-insensitively, or ends with "/model". */
    static Map<String, ModelPrice> matches(Map<String, ModelPrice> catalogue, String model) {
        Map<String, ModelPrice> exact = new LinkedHashMap<>();
        Map<String, ModelPrice> loose = new LinkedHashMap<>();
        String lower = model.toLowerCase(java.util.Locale.ROOT);
        catalogue.forEach((id, p) -> {
            String l = id.toLowerCase(java.util.Locale.ROOT);
            if (id.equals(model)) {
                exact.put(id, p);
            } else if (l.equals(lower) || l.endsWith("/" + lower)) {
                loose.put(id, p);
            }
        });
        if (!exact.isEmpty()) {
            return exact;
        }
        Map<String, ModelPrice> firstParty = new LinkedHashMap<>();
        loose.forEach((id, p) -> {
            if (FIRST_PARTY.stream().anyMatch(fp -> id.toLowerCase(java.util.Locale.ROOT).startsWith(fp + "/"))) {
                firstParty.put(id, p);
            }
        });
        return firstParty.isEmpty() ? loose : firstParty;
    }

    /** One entry per distinct price (resellers often copy the same numbers). */
    private static Map<String, ModelPrice> distinctPrices(Map<String, ModelPrice> hits) {
        Map<String, ModelPrice> out = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        hits.forEach((id, p) -> {
            if (seen.add(p.withSource(null).toJson().toString())) {
                out.put(id, p);
            }
        });
        return out;
    }

    /** models.dev: {@code {providers?:{pid:{models:{mid:{cost:{input,output,cache_read,cache_write,tiers?}}}}}}}. */
    static Map<String, ModelPrice> parseModelsDev(JsonNode root) {
        JsonNode providers = root.has("providers") ? root.get("providers") : root;
        Map<String, ModelPrice> out = new LinkedHashMap<>();
        providers.fields().forEachRemaining(pe -> pe.getValue().path("models").fields().forEachRemaining(me -> {
            JsonNode cost = me.getValue().path("cost");
            if (!cost.isObject() || !cost.has("input")) {
                return;
            }
            List<ModelPrice.ContextTier> tiers = new ArrayList<>();
            for (JsonNode t : cost.path("tiers")) {
                JsonNode tier = t.path("tier");
                if ("context".equals(tier.path("type").asText()) && tier.path("size").canConvertToLong()) {
                    tiers.add(new ModelPrice.ContextTier(tier.get("size").asLong(), num(t, "input"), num(t, "output"),
                            null, num(t, "cache_read"), num(t, "cache_write")));
                }
            }
            if (cost.has("context_over_200k")) {
                JsonNode t = cost.get("context_over_200k");
                tiers.add(new ModelPrice.ContextTier(200_000, num(t, "input"), num(t, "output"), null,
                        num(t, "cache_read"), num(t, "cache_write")));
            }
            out.put(pe.getKey() + "/" + me.getKey(), new ModelPrice(num(cost, "input"), num(cost, "output"), null,
                    num(cost, "cache_read"), num(cost, "cache_write"), null, tiers));
        }));
        return out;
    }

    /** LiteLLM: {@code {model:{input_cost_per_token, output_cost_per_token, cache_read_input_token_cost, ...}}}. */
    static Map<String, ModelPrice> parseLitellm(JsonNode root) {
        Map<String, ModelPrice> out = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            JsonNode m = e.getValue();
            if (!m.has("input_cost_per_token")) {
                return;
            }
            out.put(e.getKey(), new ModelPrice(perToken(m, "input_cost_per_token"), perToken(m, "output_cost_per_token"),
                    null, perToken(m, "cache_read_input_token_cost", "input_cache_read"),
                    perToken(m, "cache_creation_input_token_cost", "cache_write_input_token_cost", "input_cache_write",
                            "input_cache_creation"), null, List.of()));
        });
        return out;
    }

    /** OpenRouter: {@code {data:[{id, pricing:{prompt, completion, input_cache_read, input_cache_write}}]}}. */
    static Map<String, ModelPrice> parseOpenRouter(JsonNode root) {
        Map<String, ModelPrice> out = new LinkedHashMap<>();
        for (JsonNode m : root.path("data")) {
            JsonNode p = m.path("pricing");
            if (!m.path("id").isTextual() || !p.has("prompt")) {
                continue;
            }
            out.put(m.get("id").asText(), new ModelPrice(perToken(p, "prompt"), perToken(p, "completion"), null,
                    perToken(p, "input_cache_read"), perToken(p, "input_cache_write"), null, List.of()));
        }
        return out;
    }

    private static Double num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        double d = v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText());
        return d < 0 ? null : d;
    }

    private static Double perToken(JsonNode n, String... fields) {
        for (String f : fields) {
            Double d = num(n, f);
            if (d != null) {
                return Math.round(d * 1_000_000.0 * 1e6) / 1e6; // per token -> per 1M, rounded past float noise
            }
        }
        return null;
    }
}
