package dev.tessera.auth.oauth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The OAuth2 providers GoTrue knows, with their public endpoints and the scopes GoTrue asks for. {@code url} moves a
 * provider to another host: GitLab and GitHub Enterprise are self-hosted; for the others it points at a proxy or a
 * test double, with the same paths beneath it.
 */
public enum ProviderKind {
    BITBUCKET("https://bitbucket.org", "/site/oauth2/authorize", "/site/oauth2/access_token",
            "https://api.bitbucket.org", "/2.0", List.of("account", "email")),
    GITHUB("https://github.com", "/login/oauth/authorize", "/login/oauth/access_token",
            "https://api.github.com", "", List.of("user:email")),
    GITLAB("https://gitlab.com", "/oauth/authorize", "/oauth/token",
            null, "/api/v4", List.of("read_user")),
    GOOGLE("https://accounts.google.com", "/o/oauth2/auth", "/o/oauth2/token",
            "https://www.googleapis.com", "", List.of("email", "profile")),
    FACEBOOK("https://www.facebook.com", "/dialog/oauth", "/oauth/access_token",
            "https://graph.facebook.com", "", List.of("email"));

    private final String defaultBase;
    private final String authorizePath;
    private final String tokenPath;
    private final String defaultApiBase;
    private final String apiPath;
    private final List<String> scopes;

    ProviderKind(String defaultBase, String authorizePath, String tokenPath, String defaultApiBase, String apiPath,
            List<String> scopes) {
        this.defaultBase = defaultBase;
        this.authorizePath = authorizePath;
        this.tokenPath = tokenPath;
        this.defaultApiBase = defaultApiBase;
        this.apiPath = apiPath;
        this.scopes = scopes;
    }

    /** GoTrue's name for it: lower case, as {@code /settings} and {@code ?provider=} spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public List<String> scopes() {
        return scopes;
    }

    public static Optional<ProviderKind> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (ProviderKind kind : values()) {
            if (kind.id().equalsIgnoreCase(name.trim())) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    public String authorizeUrl(Optional<String> base) {
        return trimmed(base.orElse(defaultBase)) + authorizePath;
    }

    public String tokenUrl(Optional<String> base) {
        // Facebook's dialog is on www.facebook.com, its token endpoint on the Graph API host.
        if (this == FACEBOOK && base.isEmpty()) {
            return defaultApiBase + tokenPath;
        }
        return trimmed(base.orElse(defaultBase)) + tokenPath;
    }

    /** Where the profile API lives: GitHub Enterprise serves it under {@code /api/v3} of its own host. */
    public String apiBase(Optional<String> base) {
        if (base.isEmpty()) {
            return (defaultApiBase == null ? defaultBase : defaultApiBase) + apiPath;
        }
        return trimmed(base.get()) + (this == GITHUB ? "/api/v3" : apiPath);
    }

    private static String trimmed(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
