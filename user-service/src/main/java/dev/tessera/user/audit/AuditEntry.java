package dev.tessera.user.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One row of {@code GET /admin/audit}: {@code {"id","payload","created_at"}}. */
public record AuditEntry(UUID id, Map<String, Object> payload, @JsonProperty("created_at") Instant createdAt) {
}
