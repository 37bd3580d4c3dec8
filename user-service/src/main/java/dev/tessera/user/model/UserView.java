package dev.tessera.user.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The user object every user-returning endpoint answers with (GoTrue reference §0). Optional times and the pending
 * email are omitted when empty; {@code app_metadata} and {@code user_metadata} are always present, the latter may be
 * null. Secrets are not fields of this type, so they cannot leak through it. Times are given to the microsecond,
 * as PostgreSQL keeps them: a user just made and one read back answer alike, so the precision of a signup's answer
 * does not tell whether the address already had a pending user.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserView(
        UUID id,
        @JsonInclude(JsonInclude.Include.ALWAYS) String aud,
        @JsonInclude(JsonInclude.Include.ALWAYS) String role,
        @JsonInclude(JsonInclude.Include.ALWAYS) String email,
        @JsonProperty("confirmed_at") Instant confirmedAt,
        @JsonProperty("invited_at") Instant invitedAt,
        @JsonProperty("confirmation_sent_at") Instant confirmationSentAt,
        @JsonProperty("recovery_sent_at") Instant recoverySentAt,
        @JsonProperty("new_email") String newEmail,
        @JsonProperty("email_change_sent_at") Instant emailChangeSentAt,
        @JsonProperty("last_sign_in_at") Instant lastSignInAt,
        @JsonProperty("banned_until") Instant bannedUntil,
        @JsonProperty("app_metadata") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> appMetadata,
        @JsonProperty("user_metadata") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> userMetadata,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt) {

    public static UserView of(User user) {
        return new UserView(user.id, user.aud, user.role, user.email, micros(user.confirmedAt),
                micros(user.invitedAt), micros(user.confirmationSentAt), micros(user.recoverySentAt),
                user.emailChange == null || user.emailChange.isEmpty() ? null : user.emailChange,
                micros(user.emailChangeSentAt), micros(user.lastSignInAt), micros(user.bannedUntil), user.appMetadata,
                user.userMetadata, micros(user.createdAt), micros(user.updatedAt));
    }

    private static Instant micros(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.MICROS);
    }
}
