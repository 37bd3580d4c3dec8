package dev.tessera.user.admin;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code POST} and {@code PUT /admin/users…}; every field is optional on update. */
public record AdminUserParams(
        String aud,
        String role,
        String email,
        String password,
        Boolean confirm,
        @JsonProperty("user_metadata") Map<String, Object> userMetadata,
        @JsonProperty("app_metadata") Map<String, Object> appMetadata,
        @JsonProperty("ban_duration") String banDuration) {

    static final AdminUserParams EMPTY = new AdminUserParams(null, null, null, null, null, null, null, null);

    boolean confirms() {
        return Boolean.TRUE.equals(confirm);
    }

    boolean hasPassword() {
        return password != null && !password.isEmpty();
    }
}
