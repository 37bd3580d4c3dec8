package dev.tessera.auth.site;

import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.logging.Logger;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import dev.tessera.site.Roles;
import dev.tessera.site.Visitor;
import io.smallrye.mutiny.Uni;

/**
 * Who asks for a page: the one place the site rules read a token. The token is the {@code Authorization: Bearer}
 * header's, else the session cookie's ({@code nf_jwt}, {@code GOTRUE_COOKIE_KEY}), which Netlify's edge reads;
 * platform's {@link AccessTokens} verifies it (signature, expiry), and its {@code aud} must be the site's
 * ({@code GOTRUE_JWT_AUD}): one instance may serve several audiences, and the admins of another could otherwise give
 * their own users a role this site honours. The session the token names must still go on ({@link RecentlyLive}):
 * a signed-out device's cookie, or a token stolen before its owner's recovery, opens nothing (on Netlify it does
 * until it expires). A token that fails is no visitor at all: the rules then see no role, as Netlify's edge does,
 * rather than an error; so is one whose session cannot be checked (the database unreachable), closed rather than
 * open.
 */
@ApplicationScoped
public class SiteVisitors {

    private static final Logger LOG = Logger.getLogger(SiteVisitors.class);

    private final AccessTokens tokens;
    private final RecentlyLive sessions;
    private final String cookieName;
    private final String audience;

    public SiteVisitors(AccessTokens tokens, RecentlyLive sessions, GoTrueConfig config) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.cookieName = config.cookie().key();
        this.audience = config.jwt().aud().orElse("");
    }

    public Uni<Visitor> of(HttpHeaders headers) {
        String token = token(headers);
        if (token == null) {
            return Uni.createFrom().item(Visitor.ANONYMOUS);
        }
        return tokens.verify(token).chain(claims -> {
            if (!audience.equals(Objects.requireNonNullElse(claims.audience(), ""))) {
                return Uni.createFrom().item(Visitor.ANONYMOUS);
            }
            Visitor visitor = new Visitor(claims.subject(), claims.email(), Roles.of(claims.appMetadata()));
            return live(claims).map(live -> live ? visitor : Visitor.ANONYMOUS);
        }).onFailure(ApiError.class).recoverWithItem(Visitor.ANONYMOUS);
    }

    /** Whether the token's session goes on ({@link AccessTokenClaims#namesSession}). */
    private Uni<Boolean> live(AccessTokenClaims claims) {
        if (!claims.namesSession()) {
            return Uni.createFrom().item(true);
        }
        return sessions.live(claims.userId().orElseThrow(), claims.session().orElseThrow()).onFailure().recoverWithItem(failure -> {
            LOG.warnf("a visitor's session could not be checked (%s): the site sees no user", failure.getMessage());
            return false;
        });
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
