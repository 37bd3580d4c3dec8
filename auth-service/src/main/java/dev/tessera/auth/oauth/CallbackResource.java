package dev.tessera.auth.oauth;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import dev.tessera.auth.session.Sessions;
import dev.tessera.auth.token.AccessTokenIssuer;
import dev.tessera.auth.user.UserDirectory;
import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.internal.ExternalLogin;
import dev.tessera.platform.internal.ExternalLoginResult;
import dev.tessera.platform.web.RequestAudience;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /callback?code&state}: the provider sends the browser back here. A missing or bad state is a JSON 400;
 * from then on every answer is a redirect to the site ({@code GOTRUE_EXTERNAL_REDIRECTURL}, else the page that
 * started the flow, else {@code GOTRUE_SITE_URL}) with tokens or an error in the fragment. user-service decides who
 * the person is and runs the hooks; a sign-in of an already confirmed user is announced as a login, a sign-in that
 * created or confirmed the user is not (user-service announced the signup and the confirmation). Like GoTrue, the
 * callback never sets the {@code nf_jwt} cookie: the client stores what it reads from the fragment.
 */
@Path("/callback")
public class CallbackResource {

    private static final Logger LOG = Logger.getLogger(CallbackResource.class);
    private static final String NO_EMAIL = "Error getting user email from external provider";

    private final OAuthStates states;
    private final BrowserBinding binding;
    private final Providers providers;
    private final CodeExchange exchange;
    private final ProfileReader profiles;
    private final UserDirectory directory;
    private final Sessions sessions;
    private final AccessTokenIssuer issuer;
    private final RequestAudience audience;
    private final GoTrueConfig config;

    public CallbackResource(OAuthStates states, BrowserBinding binding, Providers providers, CodeExchange exchange,
            ProfileReader profiles, UserDirectory directory, Sessions sessions, AccessTokenIssuer issuer,
            RequestAudience audience, GoTrueConfig config) {
        this.states = states;
        this.binding = binding;
        this.providers = providers;
        this.exchange = exchange;
        this.profiles = profiles;
        this.directory = directory;
        this.sessions = sessions;
        this.issuer = issuer;
        this.audience = audience;
        this.config = config;
    }

    @GET
    public Uni<Response> callback(@QueryParam("state") String rawState, @QueryParam("code") String code,
            @QueryParam("error") String providerError, @QueryParam("error_description") String providerDescription,
            @CookieParam(BrowserBinding.COOKIE) String nonce, @HeaderParam(RequestAudience.HEADER) String aud) {
        OAuthState state = states.verify(rawState);
        if (!binding.matches(state, nonce)) {
            throw OAuthStates.invalid("this sign-in was not started in this browser");
        }
        String base = returnTo(state);
        String clear = binding.expired();
        if (providerError != null && !providerError.isBlank()) {
            return done(CallbackRedirects.error(base, providerError, providerDescription, clear));
        }
        if (code == null || code.isBlank()) {
            return done(CallbackRedirects.error(base, "invalid_request", "Authorization code missing", clear));
        }
        Provider provider;
        try {
            provider = providers.usable(state.provider());
        } catch (ApiError unusable) {
            return done(CallbackRedirects.error(base, unusable, clear));
        }
        return exchange.redeem(provider, code)
                .onFailure().transform(e -> failed(e, "Unable to exchange external code for " + provider.id() + " provider"))
                .chain(token -> profiles.read(provider, token)
                        .onFailure().transform(e -> failed(e, NO_EMAIL)))
                .chain(profile -> {
                    if (profile.emails().isEmpty()) {
                        throw ApiError.internal(NO_EMAIL, null);
                    }
                    return directory.externalLogin(new ExternalLogin(provider.id(), audience.resolve(aud, null),
                            List.copyOf(profile.emails()), profile.metadata(), state.inviteToken()));
                })
                .chain(result -> finish(result, base, clear))
                .onFailure().recoverWithItem(e -> CallbackRedirects.error(base, failed(e, "Internal server error"), clear));
    }

    private Uni<Response> finish(ExternalLoginResult result, String base, String clear) {
        if (result.outcome() == ExternalLoginResult.Outcome.CONFIRMATION_SENT) {
            return done(CallbackRedirects.plain(base, clear));
        }
        EventType announce = result.outcome() == ExternalLoginResult.Outcome.LOGGED_IN ? EventType.LOGIN : null;
        return sessions.start(result.user(), announce).map(issued -> CallbackRedirects.tokens(base,
                issuer.issue(issued), issuer.lifetimeSeconds(), issued.refreshToken(), clear));
    }

    private String returnTo(OAuthState state) {
        return config.external().redirectUrl().filter(u -> !u.isBlank())
                .or(() -> Optional.ofNullable(state.referrer()))
                .orElse(config.siteUrl());
    }

    /** An {@link ApiError} passes as it is (user-service's answers, an earlier step's failure); anything else is logged. */
    private static ApiError failed(Throwable cause, String message) {
        if (cause instanceof ApiError api) {
            return api;
        }
        LOG.warnf("OAuth sign-in failed: %s (%s)", message, cause.toString());
        return ApiError.internal(message, cause);
    }

    private static Uni<Response> done(Response response) {
        return Uni.createFrom().item(response);
    }
}
