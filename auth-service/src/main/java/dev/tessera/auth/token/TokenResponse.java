package dev.tessera.auth.token;

import com.fasterxml.jackson.annotation.JsonProperty;

/** GoTrue's token body: no {@code expires_at}, no {@code user}; clients derive the expiry from the JWT. */
public record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken) {
}
