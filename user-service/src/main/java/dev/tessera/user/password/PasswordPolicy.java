package dev.tessera.user.password;

import java.util.ArrayList;
import java.util.Arrays;
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
 * ({@code TESSERA_PASSWORD_BLOCKLIST_ENABLED}), nor one the list cannot hold but a guesser tries first (the
 * repetitive and sequential values SP 800-63B names, and text nobody can see: only spaces, marks or format
 * characters); no composition rules. Applies wherever a password is chosen: signup,
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
        if (typed.indexOf('\0') >= 0) {
            throw ApiError.unprocessable(PasswordHasher.NUL_REFUSED);
        }
        String password = PasswordHasher.normalized(typed);
        List<String> reasons = new ArrayList<>();
        if (password.codePointCount(0, password.length()) < minLength) {
            reasons.add("it must be at least " + minLength + " characters long");
        }
        if (common != null && common.contains(password)) {
            reasons.add("it is on a list of common or breached passwords");
        }
        // The list's kin: off with the list, so that a minimum of 1 without it stays GoTrue's behaviour.
        if (reasons.isEmpty() && common != null && !password.isEmpty()) {
            int[] points = password.codePoints().toArray();
            if (Arrays.stream(points).allMatch(PasswordPolicy::invisible)) {
                reasons.add("it has no visible characters");
            } else if (points.length > 1 && Arrays.stream(points).distinct().count() == 1) {
                reasons.add("it repeats one character");
            } else if (points.length > 1 && consecutive(points)) {
                reasons.add("it is a run of consecutive characters");
            }
        }
        if (!reasons.isEmpty()) {
            throw ApiError.unprocessable("Password is too weak: " + String.join("; ", reasons));
        }
    }

    private static boolean invisible(int point) {
        int type = Character.getType(point);
        return Character.isWhitespace(point) || Character.isSpaceChar(point) || type == Character.FORMAT
                || type == Character.CONTROL || type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    /** {@code abcdefgh}, {@code 98765432}: each character one after or one before the last. */
    private static boolean consecutive(int[] points) {
        int step = points[1] - points[0];
        if (step != 1 && step != -1) {
            return false;
        }
        for (int i = 2; i < points.length; i++) {
            if (points[i] - points[i - 1] != step) {
                return false;
            }
        }
        return true;
    }
}
