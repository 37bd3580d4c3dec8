package dev.tessera.auth.keys;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.token.JwkSets;
import dev.tessera.platform.token.TokenKey;
import dev.tessera.platform.token.TokenKeys;

/**
 * The public keys of access tokens, for any verifier: {@code GET /.well-known/jwks.json}, the JWK set of every key
 * that is standby, signing or verify-only (public parts only; an HMAC key, GoTrue's secret included, is never
 * published, so with the default HS256 the set is empty), and {@code GET /.well-known/openid-configuration}, the
 * OpenID discovery document pointing at it. Both may be cached for {@value #MAX_AGE_SECONDS} seconds: a standby key
 * is published at least that long before it signs (docs/operations.md), so a verifier that honours the max-age
 * knows it before the first token it signs arrives. The discovery document is built from the address the request
 * came in on, so only the asker may keep it ({@code private}): a shared cache in front, keyed by its own idea of the
 * host, could otherwise hand every verifier the {@code jwks_uri} one crafted request named.
 */
@Path("/.well-known")
public class KeySetResource {

    static final int MAX_AGE_SECONDS = 300;
    private static final String CACHE_CONTROL = "public, max-age=" + MAX_AGE_SECONDS;
    private static final String PRIVATE_CACHE_CONTROL = "private, max-age=" + MAX_AGE_SECONDS;
    private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final TokenKeys keys;
    private final Optional<String> issuer;

    public KeySetResource(TokenKeys keys, GoTrueConfig config) {
        this.keys = keys;
        this.issuer = config.jwt().issuer().filter(i -> !i.isBlank());
    }

    @GET
    @Path("/jwks.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response keySet() {
        return Response.ok(JwkSets.document(keys.all())).header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL).build();
    }

    /**
     * The base URL is the one the request came in on, the ingress's prefix included ({@code /.netlify/identity}
     * too), as the trusted proxies forward it; the issuer is {@code GOTRUE_JWT_ISSUER}, else that base.
     */
    @GET
    @Path("/openid-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    public Response discovery(@Context UriInfo uri) {
        String base = base(uri);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer.orElse(base));
        document.put("jwks_uri", base + "/.well-known/jwks.json");
        document.put("authorization_endpoint", base + "/authorize");
        document.put("token_endpoint", base + "/token");
        document.put("userinfo_endpoint", base + "/user");
        document.put("response_types_supported", List.of("token"));
        document.put("grant_types_supported", List.of("password", "refresh_token"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", algorithms());
        List<String> claims = new ArrayList<>(List.of("sub", "aud", "exp", "email", "app_metadata", "user_metadata",
                "session_id", "session_epoch"));
        issuer.ifPresent(iss -> claims.add("iss"));
        document.put("claims_supported", claims);
        return Response.ok(document).header(HttpHeaders.CACHE_CONTROL, PRIVATE_CACHE_CONTROL).build();
    }

    /** The signing key's algorithm first (HS256 by default), then those of the other published keys. */
    private List<String> algorithms() {
        Set<String> algorithms = new LinkedHashSet<>();
        algorithms.add(keys.signing().algorithm());
        keys.all().stream().filter(TokenKey::published).map(TokenKey::algorithm).forEach(algorithms::add);
        return List.copyOf(algorithms);
    }

    private static String base(UriInfo uri) {
        URI request = uri.getRequestUri();
        String path = request.getRawPath();
        String prefix = path.endsWith(DISCOVERY_PATH) ? path.substring(0, path.length() - DISCOVERY_PATH.length())
                : "";
        return request.getScheme() + "://" + request.getRawAuthority() + prefix;
    }
}
