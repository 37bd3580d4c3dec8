package dev.tessera.hook.gateway;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import io.smallrye.mutiny.Uni;

/**
 * Builds the {@code clientContext} Netlify hands every function (seed 004): {@code identity} with {@code url} (the
 * public API base) and {@code token} (a short-lived admin token), and {@code user} with the decoded claims when the
 * request carries a valid bearer access token. It travels to the function host in one header,
 * {@value #HEADER}: base64 of the UTF-8 JSON {@code {"identity":{"url","token"},"user":{…}}}, which is exactly the
 * value Netlify puts in {@code clientContext.custom.netlify}.
 */
@ApplicationScoped
public class ClientContexts {

    private static final Logger LOG = Logger.getLogger(ClientContexts.class);

    public static final String HEADER = "X-Tessera-Client-Context";

    private final AdminTokens adminTokens;
    private final ObjectMapper mapper;
    private final AccessTokens accessTokens;
    private final AuthServiceClient sessions;
    private final String identityUrl;
    private final String audience;

    public ClientContexts(AdminTokens adminTokens, AccessTokens accessTokens, @RestClient AuthServiceClient sessions,
            ObjectMapper mapper, GoTrueConfig config,
            @ConfigProperty(name = "tessera.public-url") Optional<String> publicUrl) {
        this.adminTokens = adminTokens;
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.mapper = mapper;
        this.identityUrl = identityUrl(publicUrl, config.siteUrl());
        this.audience = config.jwt().aud().orElse("");
    }

    /**
     * {@code TESSERA_PUBLIC_URL}, the base URL clients use for the API, e.g.
     * {@code https://example.com/.netlify/identity}; by default {@code GOTRUE_SITE_URL + "/.netlify/identity"},
     * where Netlify serves it. No trailing slash: clients append {@code /admin/users} and the like.
     */
    static String identityUrl(Optional<String> publicUrl, String siteUrl) {
        String url = publicUrl.filter(u -> !u.isBlank()).map(String::trim)
                .orElseGet(() -> trimSlash(siteUrl) + "/.netlify/identity");
        return trimSlash(url);
    }

    private static String trimSlash(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    public String identityUrl() {
        return identityUrl;
    }

    /** The context of one function request, given its {@code Authorization} header (may be null). */
    public Uni<Map<String, Object>> contextFor(String authorization, Instant now) {
        return claims(authorization).map(user -> {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("url", identityUrl);
            identity.put("token", adminTokens.mint(now));
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("identity", identity);
            user.ifPresent(claims -> context.put("user", claims));
            return context;
        });
    }

    /** The header value: base64 (standard alphabet, padded) of the context's UTF-8 JSON. */
    public String encode(Map<String, Object> context) {
        try {
            return Base64.getEncoder().encodeToString(mapper.writeValueAsBytes(context));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a client context", e);
        }
    }

    /**
     * Every claim of the request's access token, verified as every service verifies one (platform's AccessTokens),
     * or empty: a request without a valid token still reaches the function, without {@code user}, as on Netlify.
     * The token's {@code aud} must be the site's ({@code GOTRUE_JWT_AUD}), as for the site rules: one instance may
     * serve several audiences, and the admins of another could otherwise give their own users the roles a function
     * trusts, while the function holds an admin token of this one. The session the token names must still go on,
     * as auth-service says: a token stolen before its owner signed out or recovered the account is no user to a
     * function (on Netlify it is until it expires). When auth-service cannot say, the function sees no user.
     */
    Uni<Optional<Map<String, Object>>> claims(String authorization) {
        if (authorization == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return accessTokens.verifyHeader(authorization).chain(claims -> {
            if (!audience.equals(Objects.requireNonNullElse(claims.audience(), ""))) {
                return Uni.createFrom().item(Optional.<Map<String, Object>>empty());
            }
            Optional<Map<String, Object>> user = Optional.of(new LinkedHashMap<>(claims.claims()));
            return live(claims).map(live -> live ? user : Optional.<Map<String, Object>>empty());
        }).onFailure(ApiError.class).recoverWithItem(Optional.empty());
    }

    /** Whether the token's session goes on ({@link AccessTokenClaims#namesSession}), as auth-service says. */
    private Uni<Boolean> live(AccessTokenClaims claims) {
        if (!claims.namesSession()) {
            return Uni.createFrom().item(true);
        }
        return sessions.live(claims.session().orElseThrow().toString(), claims.userId().orElseThrow().toString())
                .replaceWith(true)
                .onFailure().recoverWithItem(failure -> {
                    if (!(failure instanceof ApiError api && api.status() == 404)) {
                        LOG.warnf("a function caller's session could not be checked (%s): the function sees no user",
                                failure.getMessage());
                    }
                    return false;
                });
    }
}
