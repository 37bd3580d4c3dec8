package dev.tessera.auth.settings;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.auth.oauth.Providers;
import dev.tessera.platform.config.GoTrueConfig;

/**
 * {@code GET /settings}: what a client needs to draw its forms. Each OAuth provider reports its
 * {@code GOTRUE_EXTERNAL_<P>_ENABLED} flag (as in GoTrue, credentials are not checked here); the email provider follows
 * {@code GOTRUE_EXTERNAL_EMAIL_DISABLED}; SAML is not offered.
 */
@Path("/settings")
public class SettingsResource {

    private final GoTrueConfig config;
    private final Providers providers;

    public SettingsResource(GoTrueConfig config, Providers providers) {
        this.config = config;
        this.providers = providers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Settings get() {
        Map<String, Boolean> external = new LinkedHashMap<>(providers.enabled());
        external.put("email", !config.external().email().disabled());
        external.put("saml", false);
        return new Settings(external, Map.of(), config.disableSignup(), config.mailer().autoconfirm());
    }
}
