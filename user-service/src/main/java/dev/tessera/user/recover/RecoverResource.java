package dev.tessera.user.recover;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.platform.web.RequestAudience;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /recover}: mails a recovery link. An unknown address answers {@code 200 {}} as a known one does, so
 * the endpoint does not reveal which addresses exist.
 */
@Path("/recover")
public class RecoverResource {

    private final RecoverFlow flow;
    private final JsonBody json;
    private final RequestAudience audience;
    private final GoTrueConfig config;

    public RecoverResource(RecoverFlow flow, JsonBody json, RequestAudience audience, GoTrueConfig config) {
        this.flow = flow;
        this.json = json;
        this.audience = audience;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> recover(byte[] body, @HeaderParam(RequestAudience.HEADER) String audienceHeader) {
        if (config.external().email().disabled()) {
            throw ApiError.badRequest("Unsupported email provider");
        }
        RecoverParams params = json.read(body, RecoverParams.class, "Recover");
        if (params.email() == null || params.email().isBlank()) {
            throw ApiError.unprocessable("Password recovery requires an email");
        }
        return flow.recover(params.email().trim(), audience.resolve(audienceHeader, null)).replaceWith(Map.of());
    }
}
