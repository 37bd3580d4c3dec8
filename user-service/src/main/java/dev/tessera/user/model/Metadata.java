package dev.tessera.user.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** GoTrue's metadata merge: update keys overwrite, a null value deletes the key, the rest stays; shallow. */
public final class Metadata {

    private Metadata() {
    }

    public static Map<String, Object> merge(Map<String, Object> stored, Map<String, Object> update) {
        Map<String, Object> merged = stored == null ? new LinkedHashMap<>() : new LinkedHashMap<>(stored);
        update.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }
}
