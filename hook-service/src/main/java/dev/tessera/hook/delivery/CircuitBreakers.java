package dev.tessera.hook.delivery;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.hook.targets.HookTarget;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;

/**
 * One SmallRye Fault Tolerance circuit breaker per target URL, so that a dead or hanging endpoint stops costing
 * every signup and login a full series of timeouts. Only attempts that time out or cannot connect count against a
 * target; an answer of any status is the function's decision. While a breaker is open, attempts fail at once with
 * {@link CircuitBreakerOpenException}.
 */
@ApplicationScoped
public class CircuitBreakers {

    private static final Logger LOG = Logger.getLogger(CircuitBreakers.class);
    private static final TypeLiteral<Uni<Answer>> ANSWER = new TypeLiteral<>() {
    };

    private final HooksConfig.CircuitBreaker config;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();

    public CircuitBreakers(HooksConfig config) {
        this.config = config.circuitBreaker();
    }

    public Uni<Answer> guard(HookTarget target, Supplier<Uni<Answer>> attempt) {
        if (!config.enabled()) {
            return Uni.createFrom().<Answer>deferred(attempt::get);
        }
        Guard guard = guards.computeIfAbsent(target.url().toString(), key -> create(target));
        return guard.get(attempt, ANSWER);
    }

    public static boolean isOpen(Throwable failure) {
        return failure instanceof CircuitBreakerOpenException;
    }

    private Guard create(HookTarget target) {
        String label = target.toString();
        return Guard.create()
                .withDescription("hook target " + label)
                .withCircuitBreaker()
                .requestVolumeThreshold(Math.max(1, config.requestVolume()))
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(failure -> failure instanceof CallFailure call && call.tripsBreaker())
                .onStateChange(state -> {
                    if (state == CircuitBreakerState.OPEN) {
                        LOG.warnf("Circuit breaker for %s is open: calls fail at once for %s", label, config.delay());
                    } else {
                        LOG.infof("Circuit breaker for %s is %s", label, state);
                    }
                })
                .done()
                .build();
    }
}
