package dev.tessera.auth.oauth;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClientConfigBuilder;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.Tokens;
import io.quarkus.oidc.client.runtime.OidcClientConfig;
import io.quarkus.oidc.common.runtime.config.OidcClientCommonConfig.Credentials.Secret.Method;
import io.smallrye.mutiny.Uni;

/**
 * Redeems an authorization code at the provider's token endpoint with the Quarkus OIDC client: one client per
 * provider, created on first use (these providers publish no discovery document, so the endpoint is configured),
 * the client secret sent in the form as every one of them accepts.
 */
@ApplicationScoped
public class CodeExchange {

    private final OidcClients clients;
    private final Map<ProviderKind, Uni<OidcClient>> byProvider = new ConcurrentHashMap<>();

    public CodeExchange(OidcClients clients) {
        this.clients = clients;
    }

    /** The provider's access token for this code. */
    public Uni<String> redeem(Provider provider, String code) {
        return clientFor(provider)
                .chain(client -> client.getTokens(Map.of("code", code, "redirect_uri", provider.redirectUri())))
                .map(Tokens::getAccessToken)
                .invoke(token -> {
                    if (token == null || token.isEmpty()) {
                        throw new IllegalStateException(provider.id() + " answered without an access token");
                    }
                });
    }

    private Uni<OidcClient> clientFor(Provider provider) {
        // A failed creation is forgotten, so the next sign-in tries again instead of replaying the failure.
        return byProvider.computeIfAbsent(provider.kind(),
                kind -> clients.newClient(configFor(provider)).memoize().indefinitely())
                .onFailure().invoke(e -> byProvider.remove(provider.kind()));
    }

    private static OidcClientConfig configFor(Provider provider) {
        URI token = URI.create(provider.tokenUrl());
        return new OidcClientConfigBuilder()
                .id("tessera-" + provider.id())
                .authServerUrl(token.getScheme() + "://" + token.getRawAuthority())
                .discoveryEnabled(false)
                .tokenPath(provider.tokenUrl())
                .clientId(provider.clientId())
                .credentials().clientSecret(provider.secret(), Method.POST).end()
                .grant(OidcClientConfig.Grant.Type.CODE)
                .earlyTokensAcquisition(false)
                .headers("Accept", "application/json")
                .build();
    }
}
