package dev.tessera.samples.consumer;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The attributes of one Tessera event this consumer uses, read from a structured-mode CloudEvent (the whole record
 * value). {@code data} stays a tree: each type has its own shape (docs/asyncapi.yaml), and reading only the fields
 * you need keeps you working when fields are added.
 */
public record CloudEvent(String id, String type, String source, String subject, Instant time, JsonNode data) {

    /** Reads a record value; fails when it is not a CloudEvent at all (no {@code id} or {@code type}). */
    public static CloudEvent parse(ObjectMapper json, String value) {
        JsonNode node;
        try {
            node = json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.hasNonNull("id") || !node.hasNonNull("type")) {
            throw new IllegalArgumentException("not a CloudEvent: no id or type");
        }
        Instant time;
        try {
            time = node.hasNonNull("time") ? Instant.parse(node.get("time").asText()) : null;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a CloudEvent time: " + node.get("time"), e);
        }
        return new CloudEvent(node.get("id").asText(), node.get("type").asText(), node.path("source").asText(null),
                node.path("subject").asText(null), time, node.path("data"));
    }
}
