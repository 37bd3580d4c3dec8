package dev.tessera.suite.http;

import java.util.UUID;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** GoTrue's error shape, {@code {"code":404,"msg":"Not Found"}}; at 500 and above with an {@code error_id}. */
public final class JsonErrors {

    private JsonErrors() {
    }

    /** Sends the error and returns its error id (null below 500). */
    public static String send(HttpServerResponse response, int status, String message) {
        JsonObject body = new JsonObject().put("code", status).put("msg", message);
        String errorId = null;
        if (status >= 500) {
            errorId = UUID.randomUUID().toString();
            body.put("error_id", errorId);
        }
        if (!response.headWritten()) {
            response.setStatusCode(status)
                    .putHeader("content-type", "application/json")
                    .end(body.encode());
        }
        return errorId;
    }
}
