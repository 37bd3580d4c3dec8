package dev.tessera.platform.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.config.GoTrueConfig;

/**
 * The bearer credential services present to each other's internal routes: {@code TESSERA_INTERNAL_TOKEN}, or by
 * default a value derived from the JWT secret. It is derived rather than equal to the secret so that it can never
 * verify or forge an access token, and it cannot be obtained by signing up.
 */
@ApplicationScoped
public class ServiceCredential {

    private final byte[] token;

    public ServiceCredential(GoTrueConfig config,
            @ConfigProperty(name = "tessera.internal.token") Optional<String> configured) {
        this.token = configured.filter(t -> !t.isBlank())
                .orElseGet(() -> derive(config.jwt().secret()))
                .getBytes(StandardCharsets.UTF_8);
    }

    static String derive(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] out = mac.doFinal("tessera internal service credential v1".getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String authorizationHeader() {
        return "Bearer " + new String(token, StandardCharsets.UTF_8);
    }

    public boolean matches(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
            return false;
        }
        byte[] presented = authorizationHeader.substring(7).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token);
    }
}
