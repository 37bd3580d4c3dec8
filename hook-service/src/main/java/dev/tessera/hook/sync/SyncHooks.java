package dev.tessera.hook.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.config.WebhookConfig;
import dev.tessera.hook.delivery.Answer;
import dev.tessera.hook.delivery.CallFailure;
import dev.tessera.hook.delivery.CircuitBreakers;
import dev.tessera.hook.delivery.HookClient;
import dev.tessera.hook.delivery.HookMessage;
import dev.tessera.hook.delivery.HookMetrics;
import dev.tessera.hook.delivery.HookSigner;
import dev.tessera.hook.delivery.MetadataReplacement;
import dev.tessera.hook.targets.HookTarget;
import dev.tessera.hook.targets.HookTargets;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.internal.Deadline;
import dev.tessera.platform.internal.HookOutcome;
import io.smallrye.mutiny.Uni;

/**
 * Runs a synchronous hook (validate, signup, login) the way GoTrue does (reference §6), for every target of the
 * event in sequence; a later target sees the metadata an earlier one replaced.
 *
 * <p>Per target: up to {@code GOTRUE_WEBHOOK_RETRIES} attempts of at most {@code GOTRUE_WEBHOOK_TIMEOUTSEC} each,
 * back to back. 200, 202 and 204 succeed. Any other status is retried, and after the last attempt is
 * {@code 422 "Failed to handle signup webhook"}; a timeout is retried, and on the last attempt is 504; a connection
 * that cannot be made is 502 at once; a connection that breaks is 500; an open circuit breaker is 503. The first
 * error ends the call: the caller passes it to the client and rolls back.
 *
 * <p>When the caller sent a budget ({@link Deadline}), the attempts fit in it: an attempt waits at most what is left,
 * and none starts with less than {@link #SHORTEST_ATTEMPT} left; running out answers the same 504 as a last attempt's
 * timeout, in time for the caller to pass it on rather than give up first.
 */
@ApplicationScoped
public class SyncHooks {

    private static final Logger LOG = Logger.getLogger(SyncHooks.class);
    /** Less time than this left in the caller's budget starts no attempt: no function answers that fast over HTTP. */
    static final Duration SHORTEST_ATTEMPT = Duration.ofMillis(100);

    private final HookTargets targets;
    private final HookClient client;
    private final CircuitBreakers breakers;
    private final HookSigner signer;
    private final HookMetrics metrics;
    private final ObjectMapper mapper;
    private final int attempts;
    private final Duration timeout;

    public SyncHooks(HookTargets targets, HookClient client, CircuitBreakers breakers, HookSigner signer,
            HookMetrics metrics, ObjectMapper mapper, WebhookConfig webhook) {
        this.targets = targets;
        this.client = client;
        this.breakers = breakers;
        this.signer = signer;
        this.metrics = metrics;
        this.mapper = mapper;
        this.attempts = webhook.attempts();
        this.timeout = Duration.ofSeconds(webhook.timeoutSeconds());
    }

    /** Runs the event's targets for this user; the outcome holds the maps to replace, null where unchanged. */
    public Uni<HookOutcome> run(HookEvent event, Map<String, Object> user) {
        List<HookTarget> chain = targets.synchronous(event);
        if (chain.isEmpty()) {
            return Uni.createFrom().item(HookOutcome.UNCHANGED);
        }
        String id = UUID.randomUUID().toString();
        Optional<Instant> until = Deadline.remaining().map(left -> Instant.now().plus(left).minus(Deadline.MARGIN));
        return runFrom(event, id, until, chain, 0, new LinkedHashMap<>(user), MetadataReplacement.NONE)
                .map(result -> new HookOutcome(result.appMetadata(), result.userMetadata()));
    }

    private Uni<MetadataReplacement> runFrom(HookEvent event, String id, Optional<Instant> until,
            List<HookTarget> chain, int index, Map<String, Object> user, MetadataReplacement sofar) {
        if (index == chain.size()) {
            return Uni.createFrom().item(sofar);
        }
        HookTarget target = chain.get(index);
        HookMessage message = HookMessage.of(mapper, event, id, false, signer.instanceId(), user);
        return call(event, target, message, until, 1).chain(answer -> {
            MetadataReplacement replacement = MetadataReplacement.of(mapper, answer);
            MetadataReplacement merged = sofar;
            if (replacement.appMetadata() != null) {
                user.put("app_metadata", replacement.appMetadata());
                merged = new MetadataReplacement(replacement.appMetadata(), merged.userMetadata());
            }
            if (replacement.userMetadata() != null) {
                user.put("user_metadata", replacement.userMetadata());
                merged = new MetadataReplacement(merged.appMetadata(), replacement.userMetadata());
            }
            return runFrom(event, id, until, chain, index + 1, user, merged);
        });
    }

    private Uni<Answer> call(HookEvent event, HookTarget target, HookMessage message, Optional<Instant> until,
            int attempt) {
        Instant started = Instant.now();
        Duration wait = timeout;
        if (until.isPresent()) {
            Duration left = Duration.between(started, until.get());
            if (left.compareTo(SHORTEST_ATTEMPT) < 0) {
                LOG.infof("%s hook %s: the caller's time ran out before attempt %d of %d", event.wireName(), target,
                        attempt, attempts);
                metrics.finished("sync", event.wireName(), target.name(), "timeout");
                return Uni.createFrom().failure(outOfTime());
            }
            wait = left.compareTo(timeout) < 0 ? left : timeout;
        }
        Duration attemptTimeout = wait;
        return breakers.guard(target, () -> client.post(target, message, attemptTimeout))
                .onItemOrFailure().transformToUni((answer, failure) -> {
                    Duration took = Duration.between(started, Instant.now());
                    if (failure == null) {
                        metrics.attempt(event.wireName(), target.name(), answer.status() / 100 + "xx", took);
                        if (answer.success()) {
                            metrics.finished("sync", event.wireName(), target.name(), "success");
                            return Uni.createFrom().item(answer);
                        }
                        LOG.infof("%s hook %s answered %d on attempt %d of %d", event.wireName(), target,
                                answer.status(), attempt, attempts);
                        if (attempt < attempts) {
                            return call(event, target, message, until, attempt + 1);
                        }
                        metrics.finished("sync", event.wireName(), target.name(), "blocked");
                        return Uni.createFrom().failure(ApiError.unprocessable("Failed to handle signup webhook"));
                    }
                    return failed(event, target, message, until, attempt, failure, took);
                });
    }

    private Uni<Answer> failed(HookEvent event, HookTarget target, HookMessage message, Optional<Instant> until,
            int attempt, Throwable failure, Duration took) {
        if (CircuitBreakers.isOpen(failure)) {
            metrics.attempt(event.wireName(), target.name(), "circuit_open", took);
            metrics.finished("sync", event.wireName(), target.name(), "circuit_open");
            return Uni.createFrom().failure(ApiError.of(503,
                    "Event hook " + target.name() + " is unavailable, try again later"));
        }
        if (!(failure instanceof CallFailure call)) {
            metrics.finished("sync", event.wireName(), target.name(), "error");
            return Uni.createFrom().failure(failure);
        }
        metrics.attempt(event.wireName(), target.name(), call.kind().name().toLowerCase(Locale.ROOT), took);
        LOG.infof("%s hook %s failed on attempt %d of %d: %s", event.wireName(), target, attempt, attempts,
                call.getMessage());
        switch (call.kind()) {
            case TIMEOUT:
                if (attempt < attempts) {
                    return call(event, target, message, until, attempt + 1);
                }
                metrics.finished("sync", event.wireName(), target.name(), "timeout");
                return Uni.createFrom().failure(outOfTime());
            case BROKEN:
                metrics.finished("sync", event.wireName(), target.name(), "broken");
                return Uni.createFrom().failure(ApiError.internal("Failed to trigger webhook to "
                        + target.publicUrl(), call));
            case REFUSED:
                LOG.warnf("Refused %s hook target %s: %s", event.wireName(), target, call.getMessage());
                metrics.finished("sync", event.wireName(), target.name(), "refused");
                return Uni.createFrom().failure(ApiError.of(502, "Failed to connect to " + target.publicUrl()));
            case CONNECT:
            default:
                metrics.finished("sync", event.wireName(), target.name(), "connect");
                return Uni.createFrom().failure(ApiError.of(502, "Failed to connect to " + target.publicUrl()));
        }
    }

    private ApiError outOfTime() {
        return ApiError.of(504, "Failed to perform webhook in time frame (" + timeout.toSeconds() + " seconds)");
    }
}
