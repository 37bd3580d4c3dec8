package dev.tessera.auth.oauth;

import java.util.List;
import java.util.Map;

import dev.tessera.platform.internal.ExternalEmail;

/** What a provider says about the signed-in account: its addresses and the profile kept in {@code user_metadata}. */
public record ProviderProfile(List<ExternalEmail> emails, Map<String, Object> metadata) {
}
