package dev.tessera.auth.settings;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code GET /settings} (GoTrue reference §7). */
public record Settings(
        Map<String, Boolean> external,
        @JsonProperty("external_labels") Map<String, String> externalLabels,
        @JsonProperty("disable_signup") boolean disableSignup,
        boolean autoconfirm) {
}
