package dev.tessera.user.external;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.ExternalEmail;
import dev.tessera.platform.internal.ExternalLogin;
import dev.tessera.user.model.EmailAddress;
import dev.tessera.user.model.Metadata;
import dev.tessera.user.model.MetadataPolicy;

/**
 * An {@link ExternalLogin} checked and normalised: the provider's name in lower case, the audience ({@code ""} when
 * none is given, as on the other internal routes), the addresses trimmed and checked as signup checks them, the
 * profile without null values or members the database could not store as sent (a NUL character, a lone surrogate),
 * the invite token or null.
 */
record ExternalSignIn(String provider, String aud, List<ExternalEmail> emails, Map<String, Object> profile,
        String inviteToken) {

    static final String NO_EMAIL = "Error getting user email from external provider";

    /**
     * An address the provider lists that could never be signed up with here (not ASCII, too long) is left out rather
     * than failing the sign-in: such an address can belong to no user, and the provider may list others that do.
     */
    static ExternalSignIn of(ExternalLogin login) {
        if (login == null || login.provider() == null || login.provider().isBlank() || login.emails() == null) {
            throw ApiError.badRequest(NO_EMAIL);
        }
        List<ExternalEmail> emails = login.emails().stream().filter(Objects::nonNull)
                .flatMap(e -> EmailAddress.usable(e.email())
                        .map(address -> new ExternalEmail(address, e.verified(), e.primary())).stream())
                .toList();
        if (emails.isEmpty()) {
            throw ApiError.badRequest(NO_EMAIL);
        }
        String invite = login.inviteToken() == null || login.inviteToken().isBlank() ? null : login.inviteToken().trim();
        return new ExternalSignIn(login.provider().trim().toLowerCase(Locale.ROOT),
                login.aud() == null ? "" : login.aud(), emails,
                login.profile() == null ? Map.of() : storable(Metadata.merge(null, login.profile())), invite);
    }

    private static Map<String, Object> storable(Map<String, Object> profile) {
        return profile.entrySet().stream()
                .filter(e -> MetadataPolicy.storable(e.getKey()) && MetadataPolicy.storable(e.getValue()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** The addresses the provider vouches for, in its order: the only ones that may lead to an existing account. */
    List<String> verifiedEmails() {
        return emails.stream().filter(ExternalEmail::verified).map(ExternalEmail::email).toList();
    }

    /** The address a new user is created with: the primary one, else the first. */
    ExternalEmail chosen() {
        return emails.stream().filter(ExternalEmail::primary).findFirst().orElse(emails.get(0));
    }

    /** Whether the provider lists this address, verified or not (addresses match without regard to case). */
    boolean lists(String email) {
        return emails.stream().anyMatch(e -> e.email().equalsIgnoreCase(email));
    }

    /** A fresh, mutable copy of the profile, to become or merge into a user's {@code user_metadata}. */
    Map<String, Object> profileCopy() {
        return new LinkedHashMap<>(profile);
    }
}
