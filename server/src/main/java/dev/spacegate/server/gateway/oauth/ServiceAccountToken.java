package dev.spacegate.server.gateway.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Access tokens for a Google service account (vertex auth files): an RS256-signed JWT assertion exchanged at the
 * token endpoint with the {@code jwt-bearer} grant. The key never leaves memory; tokens are not stored.
 */
final class ServiceAccountToken {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    /** A minted token and when it expires. */
    record Minted(String token, Instant expires) {
    }

    private ServiceAccountToken() {
    }

    /** Mints a token, or returns null when the service account JSON is unusable or the endpoint refuses. */
    static Minted mint(TokenClient http, JsonNode sa, String tokenUrlOverride, String proxyUrl, Instant now) {
        String email = sa.path("client_email").asText("");
        String pem = sa.path("private_key").asText("");
        String tokenUrl = tokenUrlOverride != null ? tokenUrlOverride
                : sa.path("token_uri").asText("https://oauth2.googleapis.com/token");
        if (email.isEmpty() || pem.isEmpty()) {
            return null;
        }
        String assertion;
        try {
            assertion = assertion(email, tokenUrl, pem, now);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        form.put("assertion", assertion);
        TokenClient.Result r = http.form(tokenUrl, form, proxyUrl);
        if (!r.ok()) {
            return null;
        }
        return new Minted(r.body().path("access_token").asText(),
                now.plusSeconds(r.body().path("expires_in").asLong(3600)));
    }

    static String assertion(String email, String audience, String pem, Instant now) throws GeneralSecurityException {
        String header = b64(JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").toString());
        String claims = b64(JSON.createObjectNode().put("iss", email).put("scope", SCOPE).put("aud", audience)
                .put("iat", now.getEpochSecond()).put("exp", now.getEpochSecond() + 3600).toString());
        String body = header + "." + claims;
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initSign(privateKey(pem));
        sig.update(body.getBytes(StandardCharsets.US_ASCII));
        return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        // drop the PEM armour lines (-----BEGIN/END ...-----) and whitespace, keep the base64 body
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
