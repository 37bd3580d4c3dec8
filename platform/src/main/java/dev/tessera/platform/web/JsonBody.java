package dev.tessera.platform.web;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.tessera.platform.error.ApiError;

/**
 * Reads a request body as JSON whatever its Content-Type, as GoTrue does, and turns every decoding problem into
 * {@code 400 "Could not read <What> params: <reason>"} (or a route's own wording) without leaking parser internals.
 * A body of JSON {@code null} reads as {@code {}}, as GoTrue reads it.
 */
@ApplicationScoped
public class JsonBody {

    private final ObjectMapper mapper;

    public JsonBody(ObjectMapper mapper) {
        this.mapper = mapper.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public <T> T read(byte[] body, Class<T> type, String what) {
        return parse(body, type, "Could not read " + what + " params");
    }

    /**
     * As {@link #read}, for a route whose GoTrue message is worded otherwise: {@code 400 "<prefix>: <reason>"} (the
     * admin routes' "Could not decode admin user params").
     */
    public <T> T readOr(String prefix, byte[] body, Class<T> type) {
        return parse(body, type, prefix);
    }

    private <T> T parse(byte[] body, Class<T> type, String prefix) {
        if (body == null || body.length == 0) {
            throw unreadable(prefix, "the body is empty");
        }
        try {
            JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw unreadable(prefix, "the body is empty");
            }
            if (tree.isNull()) {
                // Go's decoder leaves the parameters untouched for a JSON null, so GoTrue judges the request as if
                // no field were given ("Signup requires a valid password"), not as unreadable.
                tree = mapper.createObjectNode();
            }
            if (!tree.isObject()) {
                throw unreadable(prefix, "expected a JSON object");
            }
            return mapper.treeToValue(tree, type);
        } catch (JsonParseException e) {
            throw unreadable(prefix, "malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (MismatchedInputException e) {
            throw unreadable(prefix, describe(e));
        } catch (IOException e) {
            throw unreadable(prefix, "malformed JSON");
        }
    }

    private static String describe(MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> a + "." + b)
                .orElse(null);
        if (field == null) {
            return "unexpected JSON value";
        }
        return "field '" + field + "' has the wrong type";
    }

    private static ApiError unreadable(String prefix, String reason) {
        return ApiError.badRequest(prefix + ": " + reason);
    }
}
