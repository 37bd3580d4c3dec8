package dev.tessera.hook.sync;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.hook.targets.HookTargets;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.internal.HookInvocation;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.platform.internal.HookSubscriptions;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.web.JsonBody;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /internal/hooks/{event}}: user-service and auth-service run a synchronous hook before they commit.
 * {@code GET /internal/hooks} names the events that have a target, so callers can skip the others.
 * Answers {@code 200} with a {@link HookOutcome} ({@code {}} when nothing changes), or the GoTrue error the client
 * must see, which the caller passes on unchanged while rolling back.
 */
@Path("/internal/hooks")
@InternalApi
public class HookResource {

    private final SyncHooks hooks;
    private final HookTargets targets;
    private final JsonBody json;

    public HookResource(SyncHooks hooks, HookTargets targets, JsonBody json) {
        this.hooks = hooks;
        this.targets = targets;
        this.json = json;
    }

    /** The synchronous events with at least one target; callers may skip the others. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public HookSubscriptions subscriptions() {
        return new HookSubscriptions(Arrays.stream(HookEvent.values())
                .filter(event -> event.synchronous() && !targets.synchronous(event).isEmpty())
                .map(HookEvent::wireName)
                .collect(Collectors.toCollection(TreeSet::new)));
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
