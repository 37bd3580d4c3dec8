package dev.tessera.user.hooks;

import static dev.tessera.platform.internal.InternalErrors.unreachable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.internal.Deadline;
import dev.tessera.platform.internal.HookInvocation;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.platform.internal.InternalCallHeaders;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.MetadataPolicy.Field;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserView;
import io.smallrye.mutiny.Uni;

/**
 * Runs the synchronous identity event functions (GoTrue reference §6) through hook-service, before the action they
 * guard is committed: {@code validate} when a user is created, {@code signup} when one is confirmed, {@code login}
 * after a password check. A refusal fails the action with hook-service's GoTrue error; an answer's maps replace the
 * user's, so the response, the token and the event show them. hook-service unreachable fails closed (503), as
 * GoTrue does when its hook target is down.
 *
 * <p>The functions get what is left of this request's time ({@link Deadline}): hook-service fits its attempts in it,
 * this service stops waiting when its own caller would, and an answer that comes after that fails the action with
 * 504 instead of letting it commit for a client that was already told it failed.
 *
 * <p>An answer's maps meet the same {@link MetadataPolicy} as a client's: a function that answers what could not be
 * stored (a NUL character, more than the cap) fails the action as GoTrue fails one that answers malformed JSON (500,
 * saying why), rather than failing later in the database or minting tokens too large for any route to accept.
 */
@ApplicationScoped
public class EventHooks {

    private static final String HOOK_SERVICE = "Hook service";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final HookServiceClient client;
    private final InternalCallHeaders calls;
    private final ObjectMapper mapper;
    private final MetadataPolicy metadata;
    private final Duration subscriptionsTtl;
    private volatile Subscriptions subscriptions = new Subscriptions(Set.of(), 0);

    /** The events hook-service has targets for, and until when (System.nanoTime) that answer is used. */
    private record Subscriptions(Set<String> events, long until) {
    }

    public EventHooks(@RestClient HookServiceClient client, InternalCallHeaders calls, ObjectMapper mapper,
            MetadataPolicy metadata,
            @ConfigProperty(name = "tessera.hooks.subscriptions-ttl", defaultValue = "PT10S") Duration subscriptionsTtl) {
        this.client = client;
        this.calls = calls;
        this.mapper = mapper;
        this.metadata = metadata;
        this.subscriptionsTtl = subscriptionsTtl;
    }

    /**
     * Runs the event's functions for the user as it is about to be stored; apply the outcome with {@link #apply}. An
     * event without a target costs no call, once hook-service has said which events have one (asked again every
     * {@code tessera.hooks.subscriptions-ttl}).
     */
    public Uni<HookOutcome> run(HookEvent event, User user) {
        return subscribed(event.wireName()).chain(subscribed -> {
            if (!subscribed) {
                return Uni.createFrom().item(HookOutcome.UNCHANGED);
            }
            Map<String, Object> view = mapper.convertValue(UserView.of(user), MAP);
            String what = "The " + event.wireName() + " hook";
            Duration wait = calls.callBudget().plus(Deadline.MARGIN);
            return unreachable(HOOK_SERVICE, client.run(event.wireName(), new HookInvocation(event.wireName(), view)))
                    .ifNoItem().after(wait).failWith(() -> Deadline.timedOut(what))
                    .invoke(() -> Deadline.requireTimeLeft(what))
                    .map(outcome -> outcome == null ? HookOutcome.UNCHANGED : storable(outcome));
        });
    }

    private HookOutcome storable(HookOutcome outcome) {
        try {
            metadata.check(Field.APP_METADATA, outcome.appMetadata());
            metadata.check(Field.USER_METADATA, outcome.userMetadata());
        } catch (ApiError refused) {
            throw ApiError.internal("Webhook returned metadata that cannot be stored: " + refused.getMessage(), null);
        }
        return outcome;
    }

    private Uni<Boolean> subscribed(String event) {
        Subscriptions current = subscriptions;
        if (System.nanoTime() - current.until() < 0) {
            return Uni.createFrom().item(current.events().contains(event));
        }
        return unreachable(HOOK_SERVICE, client.subscriptions()).map(answer -> {
            Set<String> events = answer == null || answer.events() == null ? Set.of() : Set.copyOf(answer.events());
            subscriptions = new Subscriptions(events, System.nanoTime() + subscriptionsTtl.toNanos());
            return events.contains(event);
        });
    }

    /** Whether an outcome changes anything: only then is a stored user written again. */
    public static boolean changes(HookOutcome outcome) {
        return outcome != null && (outcome.appMetadata() != null || outcome.userMetadata() != null);
    }

    /** Replaces the user's maps with those the functions answered (a present map replaces the stored one whole). */
    public static User apply(HookOutcome outcome, User user) {
        if (outcome == null) {
            return user;
        }
        if (outcome.appMetadata() != null) {
            user.appMetadata = new LinkedHashMap<>(outcome.appMetadata());
        }
        if (outcome.userMetadata() != null) {
            user.userMetadata = new LinkedHashMap<>(outcome.userMetadata());
        }
        return user;
    }
}
