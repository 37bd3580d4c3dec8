package dev.tessera.platform.mail;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.config.GoTrueConfig;

/** The seal shared by user-service (sealing) and mail-service (opening): {@code TESSERA_MAIL_SEAL_KEY}, else the JWT secret. */
public class TokenSealProducer {

    @Produces
    @ApplicationScoped
    TokenSeal tokenSeal(GoTrueConfig config, @ConfigProperty(name = "tessera.mail.seal-key") Optional<String> sealKey) {
        return new TokenSeal(sealKey.filter(k -> !k.isBlank()).orElse(config.jwt().secret()));
    }
}
