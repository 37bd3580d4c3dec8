package dev.tessera.user.authenticate;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.model.Transactions;
import io.smallrye.mutiny.Uni;

/**
 * The {@code login} hook for a confirmed user who has just proven who they are (a password, an OAuth provider). What
 * the functions answer is stored, under a row lock, so this token and every later one carry it; an answer that
 * changes nothing writes nothing.
 */
@ApplicationScoped
public class LoginHook {

    private final EventHooks hooks;
    private final UserRepository users;
    private final UserEvents events;

    public LoginHook(EventHooks hooks, UserRepository users, UserEvents events) {
        this.hooks = hooks;
        this.users = users;
        this.events = events;
    }

    /**
     * @param gone the caller's answer when the user was deleted before the answer could be stored
     * @return the user as the token should show it
     */
    public Uni<User> run(User user, Supplier<ApiError> gone) {
        return hooks.run(HookEvent.LOGIN, user).chain(outcome -> {
            if (!EventHooks.changes(outcome)) {
                return Uni.createFrom().item(user);
            }
            return Transactions.run(() -> users.lock(user.id).chain(locked -> {
                if (locked == null) {
                    return Uni.createFrom().failure(gone.get());
                }
                EventHooks.apply(outcome, locked);
                locked.touch();
                return events.publish(EventType.USER_UPDATED, locked).replaceWith(locked);
            }));
        });
    }
}
