package dev.tessera.hook.delivery;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.error.ApiError;

/**
 * What a successful hook answer asks for (reference §6): {@code {"app_metadata":{…},"user_metadata":{…}}}. Each key
 * present with an object replaces the stored map, with null values dropped; a key that is absent or null leaves the
 * map alone. An answer that is not a JSON object is GoTrue's {@code 500 "Webhook returned malformed JSON: …"}.
 */
public record MetadataReplacement(Map<String, Object> appMetadata, Map<String, Object> userMetadata) {

    public static final MetadataReplacement NONE = new MetadataReplacement(null, null);

    public static MetadataReplacement of(ObjectMapper mapper, Answer answer) {
        if (!answer.hasBody()) {
            return NONE;
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(answer.body());
        } catch (IOException e) {
            throw malformed("the answer is not JSON");
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return NONE;
        }
        if (!tree.isObject()) {
            throw malformed("the answer is not a JSON object");
        }
        return new MetadataReplacement(map(mapper, tree, "app_metadata"), map(mapper, tree, "user_metadata"));
    }

    public boolean isEmpty() {
        return appMetadata == null && userMetadata == null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(ObjectMapper mapper, JsonNode tree, String key) {
        JsonNode node = tree.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw malformed(key + " is not a JSON object");
        }
        Map<String, Object> all = mapper.convertValue(node, LinkedHashMap.class);
        all.values().removeIf(Objects::isNull);
        return all;
    }

    private static ApiError malformed(String reason) {
        return ApiError.internal("Webhook returned malformed JSON: " + reason, null);
    }
}
