package dev.tessera.auth.oauth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;

/**
 * The providers of {@code GOTRUE_EXTERNAL_<P>_*}. A provider is usable when it is enabled and has a client id, a
 * secret and a redirect URI; {@code /settings} reports the enabled flag alone, as GoTrue does.
 */
@ApplicationScoped
public class Providers {

    private final GoTrueConfig.External config;
    private final boolean canSignState;

    public Providers(GoTrueConfig config) {
        this.config = config.external();
        this.canSignState = config.operatorToken().filter(t -> !t.isBlank()).isPresent();
    }

    /** {@code provider -> enabled}, in GoTrue's order. */
    public Map<String, Boolean> enabled() {
        Map<String, Boolean> flags = new LinkedHashMap<>();
        for (ProviderKind kind : ProviderKind.values()) {
            flags.put(kind.id(), settingsOf(kind).enabled());
        }
        return flags;
    }

    /** The configured provider, or GoTrue's {@code 400 "Unsupported provider: <reason>"}. */
    public Provider usable(String name) {
        ProviderKind kind = ProviderKind.named(name)
                .orElseThrow(() -> unsupported("Provider " + (name == null ? "" : name) + " could not be found"));
        GoTrueConfig.External.Provider settings = settingsOf(kind);
        if (!settings.enabled()) {
            throw unsupported(kind.id() + " is disabled");
        }
        String clientId = required(settings.clientId(), kind, "client ID");
        String secret = required(settings.secret(), kind, "secret");
        String redirectUri = required(settings.redirectUri(), kind, "redirect URI");
        if (!canSignState) {
            // The state is signed with a key derived from the operator token; without one no flow could be verified on return.
            throw unsupported("OAuth needs GOTRUE_OPERATOR_TOKEN to sign its state");
        }
        Optional<String> base = settings.url().filter(u -> !u.isBlank());
        return new Provider(kind, clientId, secret, redirectUri, kind.authorizeUrl(base), kind.tokenUrl(base),
                kind.apiBase(base));
    }

    private GoTrueConfig.External.Provider settingsOf(ProviderKind kind) {
        return switch (kind) {
            case BITBUCKET -> config.bitbucket();
            case GITHUB -> config.github();
            case GITLAB -> config.gitlab();
            case GOOGLE -> config.google();
            case FACEBOOK -> config.facebook();
        };
    }

    private static String required(Optional<String> value, ProviderKind kind, String what) {
        return value.filter(v -> !v.isBlank())
                .orElseThrow(() -> unsupported(kind.id() + " has no " + what + " configured"));
    }

    private static ApiError unsupported(String reason) {
        return ApiError.badRequest("Unsupported provider: " + reason);
    }
}
