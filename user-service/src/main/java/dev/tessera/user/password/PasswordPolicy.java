package dev.tessera.user.password;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.error.ApiError;
import dev.tessera.user.crypto.PasswordHasher;
import io.quarkus.runtime.Startup;

/**
 * What a new password must be (NIST SP 800-63B, 5.1.1.2): at least {@code GOTRUE_PASSWORD_MIN_LENGTH} characters
 * (8 by default; a character is a Unicode code point) and not on the shipped list of common and breached passwords
 * ({@code TESSERA_PASSWORD_BLOCKLIST_ENABLED}); no composition rules. Applies wherever a password is chosen: signup,
 * {@code PUT /user} (also after a recovery), invite acceptance and the admin API. A minimum of 1 with the list off
 * is GoTrue's behaviour. Loaded at start-up, so a missing or unsorted list stops the service instead of a signup.
 */
@ApplicationScoped
@Startup
public class PasswordPolicy {

    private final int minLength;
    private final CommonPasswords common;

    /** {@code GOTRUE_PASSWORD_MIN_LENGTH}: unset or empty is 8. */
    public PasswordPolicy(@ConfigProperty(name = "gotrue.password.min-length") OptionalInt minLength,
            @ConfigProperty(name = "tessera.password.blocklist-enabled", defaultValue = "true") boolean blocklist) {
        this.minLength = Math.max(1, minLength.orElse(8));
        this.common = blocklist ? CommonPasswords.shipped() : null;
    }

    /** Refuses a password that breaks a rule: 422, GoTrue's shape, with every rule it breaks named. */
    public void check(String typed) {
        // Judged as it is hashed: a decomposed accent is one character, not two.
        String password = PasswordHasher.normalized(typed);
        List<String> reasons = new ArrayList<>();
        if (password.codePointCount(0, password.length()) < minLength) {
            reasons.add("it must be at least " + minLength + " characters long");
        }
        if (common != null && common.contains(password)) {
            reasons.add("it is on a list of common or breached passwords");
        }
        if (!reasons.isEmpty()) {
            throw ApiError.unprocessable("Password is too weak: " + String.join("; ", reasons));
        }
    }
}
