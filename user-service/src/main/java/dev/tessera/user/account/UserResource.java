package dev.tessera.user.account;

import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import dev.tessera.platform.web.ClientAddress;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.user.model.UserReader;
import dev.tessera.user.model.UserView;
import dev.tessera.user.ratelimit.UserRateLimits;
import dev.tessera.user.signin.Bans;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** {@code GET /user} and {@code PUT /user}: the caller's own user object. */
@Path("/user")
public class UserResource {

    private final AccessTokens tokens;
    private final UserReader users;
    private final UpdateUserFlow update;
    private final JsonBody json;
    private final UserRateLimits limits;
    private final ClientAddress clientAddress;
    private final GoTrueConfig config;

    public UserResource(AccessTokens tokens, UserReader users, UpdateUserFlow update,
            JsonBody json, UserRateLimits limits, ClientAddress clientAddress, GoTrueConfig config) {
        this.tokens = tokens;
        this.users = users;
        this.update = update;
        this.json = json;
        this.limits = limits;
        this.clientAddress = clientAddress;
        this.config = config;
    }

    /**
     * Every API call behind the identity service may make this one, so it reads the user with one prepared statement
     * on the plain reactive client, as the grants do, rather than through a Hibernate session. The token of an ended
     * session answers 401, as supabase/auth answers it: a stolen token stops reading the account when its owner
     * recovers it.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader) {
        return caller(authorization, audienceHeader).chain(claims -> users.byId(claims.userId().orElseThrow())
                .map(user -> {
                    if (user == null) {
                        throw ApiError.notFound("User not found");
                    }
                    LiveSessions.live(user, claims);
                    return UserView.of(user);
                }));
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> put(byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader, @Context HttpServerRequest request) {
        String client = clientAddress.of(request);
        return caller(authorization, audienceHeader).chain(claims -> {
            UUID id = claims.userId().orElseThrow();
            UpdateUserParams params = json.read(body, UpdateUserParams.class, "User Update");
            int mails = !params.requestsEmailChange() ? 0 : config.mailer().secureEmailChangeEnabled() ? 2 : 1;
            return limits.userUpdate(client, id, mails)
                    .chain(() -> params.changesPassword() ? judged(id, claims) : Uni.createFrom().voidItem())
                    .chain(() -> update.update(id, claims, params));
        }).map(UserView::of);
    }

    /**
     * A banned user's or an ended session's answer before a new password is hashed: the hash costs a core for
     * tens of milliseconds, which a stolen token should not be able to spend. The update judges again under its lock.
     */
    private Uni<Void> judged(UUID id, AccessTokenClaims claims) {
        return users.byId(id).invoke(user -> {
            if (user != null) {
                Bans.refuse(user);
                LiveSessions.live(user, claims);
            }
        }).replaceWithVoid();
    }

    /**
     * The authenticated caller's claims, after the token and audience checks (platform's AccessTokens); their user id
     * is readable.
     */
    private Uni<AccessTokenClaims> caller(String authorization, String audienceHeader) {
        return tokens.verifyHeader(authorization, audienceHeader).invoke(claims -> claims.userId()
                .orElseThrow(() -> ApiError.badRequest("Could not read User ID claim")));
    }
}
