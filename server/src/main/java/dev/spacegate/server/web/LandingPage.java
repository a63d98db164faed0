package dev.spacegate.server.web;

import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** The small page at {@code /}: names Spacegate as an API gateway and links the panel and the APIs. */
public final class LandingPage {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;"
            + "padding:0 1rem;line-height:1.5;color:#1f2933}code{background:#eef2f7;padding:.1rem .3rem;"
            + "border-radius:3px}@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}"
            + "code{background:#1f2937}}a{color:#2563eb}";
    /** The one inline style is allowed by its hash; nothing else inline runs. */
    private static final String CSP = "default-src 'none'; style-src 'sha256-" + sha256(STYLE)
            + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final byte[] HTML = ("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Spacegate API gateway</title>
            <style>""" + LandingPage.STYLE + """
            </style></head>
            <body><h1>Spacegate</h1>
            <p>A self-hosted LLM API gateway: OpenAI, Claude and Gemini compatible APIs over your own
            API keys and subscription accounts, with usage analytics, on one port.</p>
            <p><a href="/management.html">Open the management panel</a></p>
            <ul><li>OpenAI: <code>/v1/chat/completions</code>, <code>/v1/responses</code></li>
            <li>Claude: <code>/v1/messages</code></li><li>Gemini: <code>/v1beta/models</code></li>
            <li>Health: <code>/healthz</code></li></ul></body></html>
            """).getBytes(StandardCharsets.UTF_8);

    private static String sha256(String text) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private LandingPage() {
    }

    public static void send(ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.send(HTML);
    }
}
