package dev.tessera.hook.background;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.hook.delivery.Answer;
import dev.tessera.hook.delivery.CallFailure;
import dev.tessera.hook.delivery.CircuitBreakers;
import dev.tessera.hook.delivery.HookClient;
import dev.tessera.hook.delivery.HookMessage;
import dev.tessera.hook.delivery.HookMetrics;
import dev.tessera.hook.delivery.HookSigner;
import dev.tessera.hook.targets.HookTarget;
import dev.tessera.hook.targets.HookTargets;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.retry.Backoff;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Delivers one event of the stream to its background targets, one after the other. Each (event, target) pair is
 * a row in {@code hooks.delivery}: a pair that was already delivered or dead-lettered is skipped, so a redelivered
 * event never reaches a function twice. Otherwise up to {@code TESSERA_HOOKS_BACKGROUND_ATTEMPTS} attempts are made
 * with exponential backoff, each recorded; a 200, 202 or 204 ends it, and after the last failure the event goes to
 * the dead-letter topic. The returned Uni completes when every target is done with, and only then may the event's
 * offset be committed.
 */
@ApplicationScoped
public class BackgroundDeliveries {

    private static final Logger LOG = Logger.getLogger(BackgroundDeliveries.class);
    private static final int STORE_ATTEMPTS = 6;

    private final HookTargets targets;
    private final HookClient client;
    private final CircuitBreakers breakers;
    private final HookSigner signer;
    private final HookMetrics metrics;
    private final DeliveryLog log;
    private final DeadLetters deadLetters;
    private final ObjectMapper mapper;
    private final HooksConfig.Background config;
    private final Backoff backoff;
    private final Backoff storeBackoff;

    public BackgroundDeliveries(HookTargets targets, HookClient client, CircuitBreakers breakers, HookSigner signer,
            HookMetrics metrics, DeliveryLog log, DeadLetters deadLetters, ObjectMapper mapper, HooksConfig config) {
        this.targets = targets;
        this.client = client;
        this.breakers = breakers;
        this.signer = signer;
        this.metrics = metrics;
        this.log = log;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
        this.config = config.background();
        this.backoff = Backoff.of(this.config.retry());
        this.storeBackoff = backoff.withAttempts(STORE_ATTEMPTS);
    }

    /** Delivers the event to every background target it has; completes when all are delivered or dead-lettered. */
    public Uni<Void> deliver(StreamEvent event, String key, Context context) {
        Optional<HookEvent> hook = event.hookEvent();
        if (hook.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<HookTarget> chain = targets.background(hook.get());
        Uni<Void> all = Uni.createFrom().voidItem();
        for (HookTarget target : chain) {
            all = all.chain(() -> deliverTo(event, key, hook.get(), target, context));
        }
        return all;
    }

    /** Delivers again a dead-lettered delivery (an operator's replay); false when it is not dead-lettered. */
    public Uni<Boolean> replay(Delivery delivery, Context context) {
        StreamEvent event = StreamEvent.read(mapper, delivery.envelope);
        HookEvent hook = HookEvent.fromWireName(delivery.hookEvent).orElseThrow();
        HookTarget target = targets.background(hook).stream().filter(t -> t.name().equals(delivery.target))
                .findFirst().orElseThrow(() -> new IllegalStateException("target " + delivery.target
                        + " is no longer configured for " + hook.wireName()));
        return log.reopen(delivery.id).map(reopened -> {
            if (reopened) {
                LOG.infof("Replaying dead-lettered delivery %s (event %s to %s)", delivery.id, delivery.eventId,
                        target);
                attempt(delivery, event, delivery.userId, hook, target, message(event, hook), 1, context)
                        .subscribe().with(ignored -> {
                        }, failure -> LOG.warnf("Replay of delivery %s failed: %s", delivery.id, failure.toString()));
            }
            return reopened;
        });
    }

    private Uni<Void> deliverTo(StreamEvent event, String key, HookEvent hook, HookTarget target, Context context) {
        Delivery candidate = new Delivery();
        candidate.id = UUID.randomUUID();
        candidate.eventId = event.id();
        candidate.eventType = event.type();
        candidate.hookEvent = hook.wireName();
        candidate.target = target.name();
        candidate.url = target.displayUrl();
        candidate.userId = event.userId();
        candidate.envelope = event.envelope();
        return store(context, "open delivery of " + event.id(), () -> log.open(candidate)).chain(delivery -> {
            if (delivery.finished()) {
                LOG.debugf("Event %s was already %s to %s; ignoring the redelivery", event.id(), delivery.status,
                        target.name());
                metrics.finished("background", hook.wireName(), target.name(), "duplicate");
                return Uni.createFrom().voidItem();
            }
            return attempt(delivery, event, key, hook, target, message(event, hook), 1, context);
        });
    }

    private HookMessage message(StreamEvent event, HookEvent hook) {
        return HookMessage.of(mapper, hook, event.id(), true, signer.instanceId(), event.user());
    }

    private Uni<Void> attempt(Delivery delivery, StreamEvent event, String key, HookEvent hook, HookTarget target,
            HookMessage message, int attempt, Context context) {
        Instant started = Instant.now();
        return breakers.guard(target, () -> client.post(target, message, config.timeout()))
                .onItemOrFailure().transformToUni((answer, failure) -> {
                    long took = Duration.between(started, Instant.now()).toMillis();
                    Integer status = answer == null ? null : answer.status();
                    String error = failure == null ? null : describe(failure);
                    boolean delivered = answer != null && answer.success();
                    metrics.attempt(hook.wireName(), target.name(), outcome(answer, failure), Duration.ofMillis(took));
                    return store(context, "record an attempt of " + delivery.id,
                            () -> log.recordAttempt(delivery.id, started, took, status, error))
                            .chain(total -> {
                                delivery.attempts = total;
                                if (delivered) {
                                    metrics.finished("background", hook.wireName(), target.name(), "delivered");
                                    return store(context, "finish " + delivery.id,
                                            () -> log.finish(delivery.id, Delivery.DELIVERED));
                                }
                                String reason = error != null ? error : target.name() + " answered " + status;
                                if (attempt < backoff.attempts()) {
                                    Duration wait = backoff.delayBefore(attempt + 1);
                                    LOG.infof("Background %s hook for event %s to %s failed (%s); attempt %d of %d"
                                            + " in %d ms", hook.wireName(), event.id(), target, reason, attempt + 1,
                                            backoff.attempts(), wait.toMillis());
                                    return Backoff.sleep(context, wait).chain(() -> attempt(delivery, event, key,
                                            hook, target, message, attempt + 1, context));
                                }
                                return deadLetter(delivery, key, hook, target, reason, context);
                            });
                });
    }

    private Uni<Void> deadLetter(Delivery delivery, String key, HookEvent hook, HookTarget target, String reason,
            Context context) {
        LOG.warnf("Background %s hook for event %s to %s failed %d attempts (%s); it goes to the dead-letter topic",
                hook.wireName(), delivery.eventId, target, backoff.attempts(), reason);
        metrics.finished("background", hook.wireName(), target.name(), "dead_lettered");
        return store(context, "dead-letter " + delivery.id,
                () -> deadLetters.publish(delivery, key == null ? delivery.userId : key, reason)
                        .emitOn(command -> context.runOnContext(ignored -> command.run())))
                .chain(() -> store(context, "finish " + delivery.id,
                        () -> log.finish(delivery.id, Delivery.DEAD_LETTERED)));
    }

    private static String outcome(Answer answer, Throwable failure) {
        if (answer != null) {
            return answer.status() / 100 + "xx";
        }
        if (CircuitBreakers.isOpen(failure)) {
            return "circuit_open";
        }
        return failure instanceof CallFailure call ? call.kind().name().toLowerCase(Locale.ROOT) : "error";
    }

    private static String describe(Throwable failure) {
        if (CircuitBreakers.isOpen(failure)) {
            return "circuit breaker open";
        }
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    /** Runs a database or broker step, retrying with backoff so that a short outage does not fail the record. */
    private <T> Uni<T> store(Context context, String what, Supplier<Uni<T>> step) {
        return storeBackoff.run(context, attempt -> step.get(), failure -> true,
                (attempt, failure, wait) -> LOG.warnf("Could not %s (%s); retrying in %d ms", what, failure.toString(),
                        wait.toMillis()));
    }
}
