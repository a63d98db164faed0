package dev.spacegate.server.gateway.execute;

import java.util.Map;

/**
 * What goes upstream for one attempt.
 *
 * @param url       the full upstream URL
 * @param headers   lower-case header names, auth included (mutable: a token refresh replaces it)
 * @param body      the request body
 * @param usedToken the OAuth token the headers carry, or null for an API key
 */
record UpstreamRequest(String url, Map<String, String> headers, byte[] body, String usedToken) {
}
