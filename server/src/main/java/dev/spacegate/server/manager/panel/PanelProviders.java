package dev.spacegate.server.manager.panel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.providers.KeyList;
import dev.spacegate.server.providers.OAuthProvider;
import dev.spacegate.server.web.Json;

/**
 * What the panel offers per provider, read from the provider catalogue: a page for each API-key list and a login for
 * each OAuth provider that logs in from the server, each with the capability name of its management call.
 */
final class PanelProviders {
    private PanelProviders() {
    }

    /** The calls, by capability name: {@code geminiApiKey -> GET /v0/management/gemini-api-key}, .... */
    static Map<String, String> calls() {
        Map<String, String> out = new LinkedHashMap<>();
        for (KeyList l : KeyList.all()) {
            out.put(capability(l.path()), "GET " + l.path());
        }
        for (OAuthProvider p : logins()) {
            out.put(capability(p.loginPath()), "GET " + p.loginPath());
        }
        return out;
    }

    /**
     * {@code {"keyLists":[{section, capability, label, provider, called}], "logins":[{name, capability, label}]}}:
     * the lists the providers page and the logins the auth-files page build from.
     */
    static ObjectNode json() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode lists = out.putArray("keyLists");
        for (KeyList l : KeyList.all()) {
            lists.addObject().put("section", l.section()).put("capability", capability(l.path()))
                    .put("label", l.label()).put("provider", l.provider()).put("called", l.kind() != null);
        }
        ArrayNode logins = out.putArray("logins");
        for (OAuthProvider p : logins()) {
            logins.addObject().put("name", p.loginName()).put("capability", capability(p.loginPath()))
                    .put("label", p.label());
        }
        return out;
    }

    private static List<OAuthProvider> logins() {
        return java.util.Arrays.stream(OAuthProvider.values()).filter(p -> p.flow() != OAuthProvider.Flow.NONE)
                .toList();
    }

    /** The capability name of a path: its last segment in camel case ({@code codex-auth-url -> codexAuthUrl}). */
    static String capability(String path) {
        String[] words = path.substring(path.lastIndexOf('/') + 1).split("-");
        StringBuilder out = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            out.append(words[i].substring(0, 1).toUpperCase(Locale.ROOT)).append(words[i].substring(1));
        }
        return out.toString();
    }
}
