package dev.tessera.user.account;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code PUT /user}; every field is optional. */
public record UpdateUserParams(
        String email,
        String password,
        @JsonProperty("email_change_token") String emailChangeToken,
        Map<String, Object> data,
        @JsonProperty("app_metadata") Map<String, Object> appMetadata) {

    boolean changesPassword() {
        return password != null && !password.isEmpty();
    }

    boolean confirmsEmailChange() {
        return emailChangeToken != null && !emailChangeToken.isBlank();
    }

    /** Whether this update asks to move the account to another address (which mails links). */
    boolean requestsEmailChange() {
        return !confirmsEmailChange() && email != null && !email.isBlank();
    }
}
