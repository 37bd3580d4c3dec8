package dev.tessera.user.model;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.error.ApiError;

/**
 * What a client may store as {@code user_metadata} or {@code app_metadata}: every route that takes metadata from a
 * request (signup, invite, {@code PUT /user}, the admin API) sets it through here. Refused, with nothing written:
 * <ul>
 * <li>400 for what PostgreSQL's jsonb cannot hold (a NUL character) or would not give back as sent (a lone UTF-16
 * surrogate, stored as "?"; a number beyond a double, which GoTrue's decoder refuses and Jackson reads as
 * Infinity);</li>
 * <li>422 for more than {@code TESSERA_METADATA_MAX_BYTES} of JSON in either field once merged: both travel in every
 * access token, and past the services' header limit the user could not even call {@code PUT /user} to shrink them,
 * while GoTrue's merge would let repeated updates grow them without end.</li>
 * </ul>
 */
@ApplicationScoped
public class MetadataPolicy {

    public enum Field {
        USER_METADATA("user_metadata"),
        APP_METADATA("app_metadata");

        private final String wireName;

        Field(String wireName) {
            this.wireName = wireName;
        }
    }

    private final ObjectMapper mapper;
    private final int maxBytes;

    public MetadataPolicy(ObjectMapper mapper,
            @ConfigProperty(name = "tessera.metadata.max-bytes", defaultValue = "16384") int maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    /** {@code update} merged into {@code stored} by GoTrue's rule ({@link Metadata#merge}); null changes nothing. */
    public Map<String, Object> merge(Field field, Map<String, Object> stored, Map<String, Object> update) {
        if (update == null) {
            return stored;
        }
        checkValue(field, update);
        return withinCap(field, Metadata.merge(stored, update));
    }

    /** {@code value}, which is to be stored as it is (null included). */
    public Map<String, Object> replace(Field field, Map<String, Object> value) {
        check(field, value);
        return value;
    }

    /** Refuses {@code value} now, before any work, if it could not be stored as it is. */
    public void check(Field field, Map<String, Object> value) {
        checkValue(field, value);
        withinCap(field, value);
    }

    /**
     * Whether a value holds nothing that {@link #check} refuses with 400, for data no client sent (a provider's
     * profile), whose unstorable members are left out rather than failing the sign-in.
     */
    public static boolean storable(Object value) {
        return problem(value) == null;
    }

    private static void checkValue(Field field, Object value) {
        String problem = problem(value);
        if (problem != null) {
            throw ApiError.badRequest(field.wireName + problem);
        }
    }

    /** What jsonb could not hold or give back as sent, as the end of a sentence naming the field; null if nothing. */
    private static String problem(Object value) {
        if (value instanceof String text) {
            return textProblem(text);
        }
        if (value instanceof Map<?, ?> object) {
            for (Map.Entry<?, ?> member : object.entrySet()) {
                String problem = textProblem((String) member.getKey());
                if (problem == null) {
                    problem = problem(member.getValue());
                }
                if (problem != null) {
                    return problem;
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object element : list) {
                String problem = problem(element);
                if (problem != null) {
                    return problem;
                }
            }
        } else if (value instanceof Double number && !Double.isFinite(number)) {
            return " holds a number out of range";
        }
        return null;
    }

    private static String textProblem(String text) {
        if (text.indexOf('\u0000') >= 0) {
            return " must not contain the NUL character";
        }
        return hasLoneSurrogate(text) ? " holds a lone UTF-16 surrogate" : null;
    }

    /**
     * Whether the text holds half of a surrogate pair alone (JSON's {@code "\ud800"}): it has no UTF-8 form, so
     * PostgreSQL's text and the UTF-8 encoder turn it into {@code ?}.
     */
    public static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> withinCap(Field field, Map<String, Object> value) {
        int size;
        try {
            size = mapper.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw ApiError.internal("Could not measure " + field.wireName, e);
        }
        if (size > maxBytes) {
            throw ApiError.unprocessable(field.wireName + " is larger than " + maxBytes + " bytes as JSON");
        }
        return value;
    }
}
