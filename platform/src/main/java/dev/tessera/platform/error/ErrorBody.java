package dev.tessera.platform.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** GoTrue's HTTPError wire shape. {@code error_id} appears only on server errors. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(int code, String msg, @JsonProperty("error_id") String errorId) {
}
