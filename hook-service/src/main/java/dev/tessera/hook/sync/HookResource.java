package dev.tessera.hook.sync;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.hook.targets.HookEvent;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.HookInvocation;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.web.JsonBody;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /internal/hooks/{event}}: user-service and auth-service run a synchronous hook before they commit.
 * Answers {@code 200} with a {@link HookOutcome} ({@code {}} when nothing changes), or the GoTrue error the client
 * must see, which the caller passes on unchanged while rolling back.
 */
@Path("/internal/hooks")
@InternalApi
public class HookResource {

    private final SyncHooks hooks;
    private final JsonBody json;

    public HookResource(SyncHooks hooks, JsonBody json) {
        this.hooks = hooks;
        this.json = json;
    }

    @POST
    @Path("/{event}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<HookOutcome> run(@PathParam("event") String event, byte[] body) {
        HookEvent hook = HookEvent.fromWireName(event).filter(HookEvent::synchronous)
                .orElseThrow(() -> ApiError.notFound("Unknown hook event: " + event));
        HookInvocation invocation = json.read(body, HookInvocation.class, "hook");
        if (invocation.event() != null && !invocation.event().equals(hook.wireName())) {
            throw ApiError.badRequest("Could not read hook params: event '" + invocation.event()
                    + "' does not match the path");
        }
        Map<String, Object> user = invocation.user();
        if (user == null) {
            throw ApiError.badRequest("Could not read hook params: user is required");
        }
        return hooks.run(hook, user);
    }
}
