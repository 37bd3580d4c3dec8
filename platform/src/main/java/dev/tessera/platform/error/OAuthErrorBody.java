package dev.tessera.platform.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** GoTrue's OAuthError wire shape; an empty description is omitted. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record OAuthErrorBody(String error, @JsonProperty("error_description") String errorDescription) {
}
