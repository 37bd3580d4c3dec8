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
 * {@code 400 "Could not read <What> params: <reason>"} without leaking parser internals.
 */
@ApplicationScoped
public class JsonBody {

    private final ObjectMapper mapper;

    public JsonBody(ObjectMapper mapper) {
        this.mapper = mapper.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public <T> T read(byte[] body, Class<T> type, String what) {
        if (body == null || body.length == 0) {
            throw unreadable(what, "the body is empty");
        }
        try {
            JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw unreadable(what, "the body is empty");
            }
            if (!tree.isObject()) {
                throw unreadable(what, "expected a JSON object");
            }
            return mapper.treeToValue(tree, type);
        } catch (JsonParseException e) {
            throw unreadable(what, "malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (MismatchedInputException e) {
            throw unreadable(what, describe(e));
        } catch (IOException e) {
            throw unreadable(what, "malformed JSON");
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

    private static ApiError unreadable(String what, String reason) {
        return ApiError.badRequest("Could not read " + what + " params: " + reason);
    }
}
