package dev.tessera.auth.oauth;

import java.net.URI;
import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.tessera.auth.user.UserDirectory;
import dev.tessera.platform.config.GoTrueConfig;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /authorize?provider=<p>[&invite_token=T]}: sends the browser to the provider's consent page with a
 * signed state (GoTrue reference §7). An unusable provider or a dead invite answers JSON, not a redirect.
 */
@Path("/authorize")
public class AuthorizeResource {

    private final Providers providers;
    private final OAuthStates states;
    private final BrowserBinding binding;
    private final UserDirectory directory;
    private final String siteUrl;

    public AuthorizeResource(Providers providers, OAuthStates states, BrowserBinding binding, UserDirectory directory,
            GoTrueConfig config) {
        this.providers = providers;
        this.states = states;
        this.binding = binding;
        this.directory = directory;
        this.siteUrl = config.siteUrl();
    }

    @GET
    public Uni<Response> authorize(@QueryParam("provider") String name, @QueryParam("invite_token") String inviteToken,
            @HeaderParam("Referer") String referer) {
        Provider provider = providers.usable(name);
        String invite = inviteToken == null || inviteToken.isBlank() ? null : inviteToken.trim();
        Uni<Void> inviteAlive = invite == null ? Uni.createFrom().voidItem() : directory.checkInvite(invite);
        return inviteAlive.map(ignored -> redirect(provider, invite, referer));
    }

    private Response redirect(Provider provider, String invite, String referer) {
        String nonce = binding.newNonce();
        String state = states.sign(new OAuthState(provider.id(), invite, Referrers.sameSite(referer, siteUrl), siteUrl,
                binding.hashOf(nonce), Instant.now().plus(OAuthStates.LIFETIME)));
        String location = provider.authorizeUrl() + (provider.authorizeUrl().contains("?") ? "&" : "?")
                + FormEncoding.encode(new String[][] {
                        { "client_id", provider.clientId() },
                        { "redirect_uri", provider.redirectUri() },
                        { "response_type", "code" },
                        { "scope", String.join(" ", provider.kind().scopes()) },
                        { "state", state } });
        Response.ResponseBuilder response = Response.status(Response.Status.FOUND).location(URI.create(location));
        if (nonce != null) {
            response.header(HttpHeaders.SET_COOKIE, binding.cookie(nonce, provider.redirectUri()));
        }
        return response.build();
    }
}
