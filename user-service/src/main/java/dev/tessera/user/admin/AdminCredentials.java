package dev.tessera.user.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.user.account.LiveSessions;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.signin.Bans;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * GoTrue's {@code requireAdminCredentials} (reference §3): the operator token, a system token, or a user who is a
 * super admin or whose role is {@code GOTRUE_JWT_ADMIN_GROUP_NAME} within the audience acted on. Unlike GoTrue, a
 * system token acts only on its own audience (its {@code aud}, else {@code GOTRUE_JWT_AUD}), and what an audience's
 * admins reach is limited to that audience ({@link Caller#reaches}); the operator token and super admins (set in the
 * database only) reach every audience. Also unlike GoTrue, a user's token counts only while its session is live and
 * its user not banned, as on {@code /user}.
 */
@ApplicationScoped
public class AdminCredentials {

    /**
     * GoTrue's 400 prefix for a body its admin check cannot read: the check reads every admin route's body, and
     * {@code /invite}'s, for a body {@code aud}, before the route does.
     */
    public static final String UNREADABLE_PARAMS = "Could not decode admin user params";

    private final AccessTokens tokens;
    private final RequestAudience audience;
    private final UserRepository users;
    private final GoTrueConfig config;

    public AdminCredentials(AccessTokens tokens, RequestAudience audience, UserRepository users, GoTrueConfig config) {
        this.tokens = tokens;
        this.audience = audience;
        this.users = users;
        this.config = config;
    }

    /**
     * @param bodyAud a non-empty {@code "aud"} of the request body overrides the request audience
     */
    public Uni<Caller> require(String authorization, String audienceHeader, String bodyAud) {
        String bearer = AccessTokens.bearer(authorization);
        if (bodyAud != null && !MetadataPolicy.storable(bodyAud)) {
            // The audience a user is created in is stored as text, which holds neither.
            throw ApiError.badRequest(UNREADABLE_PARAMS + ": aud must not contain the NUL character or a lone UTF-16"
                    + " surrogate");
        }
        if (isOperator(bearer)) {
            return Uni.createFrom().item(new Caller(Caller.NIL, "operator@netlify.com",
                    actedOn(audienceHeader, null, bodyAud), Caller.Kind.OPERATOR));
        }
        return tokens.verify(bearer).chain(claims -> caller(claims, audienceHeader, bodyAud));
    }

    private Uni<Caller> caller(AccessTokenClaims claims, String audienceHeader, String bodyAud) {
        String aud = actedOn(audienceHeader, claims, bodyAud);
        if (claims.isSystem()) {
            if (!aud.equals(audience.resolve(null, claims))) {
                throw ApiError.unauthorized("User not allowed");
            }
            return Uni.createFrom().item(new Caller(Caller.NIL, claims.email(), aud, Caller.Kind.SYSTEM));
        }
        UUID id = claims.userId().orElseThrow(() -> ApiError.unauthorized("Invalid admin user"));
        return Panache.withSession(() -> users.findById(id)).map(user -> {
            if (user == null) {
                throw ApiError.unauthorized("Invalid admin user");
            }
            if (!isAdmin(user, aud)) {
                throw ApiError.unauthorized("User not allowed");
            }
            // As on /user: a banned admin, or the token of a session a recovery, a password change or a ban ended,
            // must not go on managing users (unbanning itself, setting the password a recovery just replaced).
            Bans.refuse(user);
            LiveSessions.live(user, claims);
            return new Caller(user.id, user.email, aud, user.superAdmin ? Caller.Kind.SUPER_ADMIN : Caller.Kind.ADMIN);
        });
    }

    /** Whether a user may act as admin within an audience. */
    public boolean isAdmin(User user, String aud) {
        return user.superAdmin || (Objects.equals(aud, user.aud) && config.jwt().adminGroupName().equals(user.role));
    }

    private String actedOn(String audienceHeader, AccessTokenClaims claims, String bodyAud) {
        return bodyAud != null && !bodyAud.isEmpty() ? bodyAud : audience.resolve(audienceHeader, claims);
    }

    private boolean isOperator(String bearer) {
        return config.operatorToken()
                .filter(token -> !token.isEmpty())
                .map(token -> MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                        bearer.getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }
}
