package dev.tessera.auth.settings;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.config.GoTrueConfig;

/**
 * {@code GET /settings}: what a client needs to draw its forms. OAuth providers are reported disabled until the
 * OAuth work lands; the email provider follows {@code GOTRUE_EXTERNAL_EMAIL_DISABLED}.
 */
@Path("/settings")
public class SettingsResource {

    private final GoTrueConfig config;

    public SettingsResource(GoTrueConfig config) {
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Settings get() {
        Map<String, Boolean> external = new LinkedHashMap<>();
        for (String provider : new String[] { "bitbucket", "github", "gitlab", "google", "facebook" }) {
            external.put(provider, false);
        }
        external.put("email", !config.external().email().disabled());
        external.put("saml", false);
        return new Settings(external, Map.of(), config.disableSignup(), config.mailer().autoconfirm());
    }
}
