package dev.tessera.user.signup;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.web.ClientAddress;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.user.model.UserView;
import dev.tessera.user.ratelimit.UserRateLimits;
import dev.tessera.user.password.PasswordPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** {@code POST /signup}: registers a user, or refreshes an unconfirmed one. Never returns tokens. */
@Path("/signup")
public class SignupResource {

    private final SignupFlow flow;
    private final JsonBody json;
    private final RequestAudience audience;
    private final PasswordPolicy passwords;
    private final GoTrueConfig config;
    private final UserRateLimits limits;
    private final ClientAddress clientAddress;

    public SignupResource(SignupFlow flow, JsonBody json, RequestAudience audience, PasswordPolicy passwords,
            GoTrueConfig config, UserRateLimits limits, ClientAddress clientAddress) {
        this.flow = flow;
        this.json = json;
        this.audience = audience;
        this.passwords = passwords;
        this.config = config;
        this.limits = limits;
        this.clientAddress = clientAddress;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> signup(byte[] body, @HeaderParam(RequestAudience.HEADER) String audienceHeader,
            @Context HttpServerRequest request) {
        config.external().email().requireEnabled();
        // GoTrue answers this before reading the body.
        if (config.disableSignup()) {
            throw ApiError.forbidden("Signups not allowed for this instance");
        }
        SignupParams params = json.read(body, SignupParams.class, "Signup").validate();
        passwords.check(params.password());
        String aud = audience.resolve(audienceHeader, null);
        return limits.signup(clientAddress.of(request), aud, params.email())
                .chain(() -> flow.signup(params, aud)).map(UserView::of);
    }
}
