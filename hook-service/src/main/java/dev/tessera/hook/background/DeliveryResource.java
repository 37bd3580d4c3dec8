package dev.tessera.hook.background;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.web.Uuids;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Operators' view of background deliveries (service credential required): list and inspect them with their
 * attempts, and replay a dead-lettered one.
 */
@Path("/internal/hooks/deliveries")
@InternalApi
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {

    private static final Set<String> STATUSES = Set.of(Delivery.PENDING, Delivery.DELIVERED, Delivery.DEAD_LETTERED);

    private final DeliveryLog log;
    private final BackgroundDeliveries deliveries;

    public DeliveryResource(DeliveryLog log, BackgroundDeliveries deliveries) {
        this.log = log;
        this.deliveries = deliveries;
    }

    @GET
    public Uni<List<DeliveryView>> list(@QueryParam("status") String status,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiError.badRequest("status must be one of " + STATUSES);
        }
        return log.list(status, Math.max(1, Math.min(limit, 1000)))
                .map(rows -> rows.stream().map(row -> DeliveryView.of(row, null)).toList());
    }

    @GET
    @Path("/{id}")
    public Uni<DeliveryView> get(@PathParam("id") String id) {
        UUID deliveryId = parse(id);
        return log.find(deliveryId).chain(row -> {
            if (row == null) {
                return Uni.createFrom().failure(ApiError.notFound("Delivery not found"));
            }
            return log.attempts(deliveryId).map(attempts -> DeliveryView.of(row, attempts));
        });
    }

    /** Delivers a dead-lettered event again, with a fresh series of attempts; 202 while it runs. */
    @POST
    @Path("/{id}/replay")
    public Uni<Response> replay(@PathParam("id") String id) {
        UUID deliveryId = parse(id);
        return log.find(deliveryId).chain(row -> {
            if (row == null) {
                return Uni.createFrom().failure(ApiError.notFound("Delivery not found"));
            }
            if (!Delivery.DEAD_LETTERED.equals(row.status)) {
                return Uni.createFrom().failure(ApiError.of(409, "Only a dead-lettered delivery can be replayed"));
            }
            Uni<Boolean> started;
            try {
                started = deliveries.replay(row, Vertx.currentContext());
            } catch (IllegalStateException e) {
                return Uni.createFrom().failure(ApiError.of(409, e.getMessage()));
            }
            return started.map(reopened -> {
                if (!reopened) {
                    throw ApiError.of(409, "Only a dead-lettered delivery can be replayed");
                }
                row.status = Delivery.PENDING;
                row.finishedAt = null;
                return Response.accepted(DeliveryView.of(row, null)).build();
            });
        });
    }

    private static UUID parse(String id) {
        return Uuids.parse(id).orElseThrow(() -> ApiError.badRequest("delivery id must be an UUID"));
    }

    /** A delivery as operators see it (the event itself stays in the table and the dead-letter topic). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliveryView(
            UUID id,
            @JsonProperty("event_id") String eventId,
            @JsonProperty("event_type") String eventType,
            @JsonProperty("hook_event") String hookEvent,
            String target,
            String url,
            @JsonProperty("user_id") String userId,
            String status,
            int attempts,
            @JsonProperty("last_status") Integer lastStatus,
            @JsonProperty("last_error") String lastError,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt,
            @JsonProperty("finished_at") Instant finishedAt,
            @JsonProperty("attempt_log") List<DeliveryLog.AttemptRow> attemptLog) {

        static DeliveryView of(Delivery row, List<DeliveryLog.AttemptRow> attempts) {
            return new DeliveryView(row.id, row.eventId, row.eventType, row.hookEvent, row.target, row.url,
                    row.userId, row.status, row.attempts, row.lastStatus, row.lastError, row.createdAt,
                    row.updatedAt, row.finishedAt, attempts);
        }
    }
}
