package dev.tessera.auth.site;

import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokens;
import dev.tessera.site.Roles;
import dev.tessera.site.Visitor;
import io.smallrye.mutiny.Uni;

/**
 * Who asks for a page: the one place the site rules read a token. The token is the {@code Authorization: Bearer}
 * header's, else the session cookie's ({@code nf_jwt}, {@code GOTRUE_COOKIE_KEY}), which Netlify's edge reads;
 * platform's {@link AccessTokens} verifies it (signature, expiry), and its {@code aud} must be the site's
 * ({@code GOTRUE_JWT_AUD}): one instance may serve several audiences, and the admins of another could otherwise give
 * their own users a role this site honours. A token that fails is no visitor at all: the rules then see no role, as
 * Netlify's edge does, rather than an error.
 */
@ApplicationScoped
public class SiteVisitors {

    private final AccessTokens tokens;
    private final String cookieName;
    private final String audience;

    public SiteVisitors(AccessTokens tokens, GoTrueConfig config) {
        this.tokens = tokens;
        this.cookieName = config.cookie().key();
        this.audience = config.jwt().aud().orElse("");
    }

    public Uni<Visitor> of(HttpHeaders headers) {
        String token = token(headers);
        if (token == null) {
            return Uni.createFrom().item(Visitor.ANONYMOUS);
        }
        return tokens.verify(token)
                .map(claims -> audience.equals(Objects.requireNonNullElse(claims.audience(), ""))
                        ? new Visitor(claims.subject(), claims.email(), Roles.of(claims.appMetadata()))
                        : Visitor.ANONYMOUS)
                .onFailure(ApiError.class).recoverWithItem(Visitor.ANONYMOUS);
    }

    private String token(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            try {
                return AccessTokens.bearer(authorization);
            } catch (ApiError notBearer) {
                // Another scheme (say Basic for a staging gate in front): look at the cookie.
            }
        }
        Cookie cookie = headers.getCookies().get(cookieName);
        return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
    }
}
