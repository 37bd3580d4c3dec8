package dev.tessera.samples.consumer;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this sample does with the stream: a small view of each user it heard of (email, confirmed, logins, deleted).
 * Replace it with what your team needs; the shape of the switch is the part to keep.
 */
public final class UserActivity implements EventHandler {

    /** One user as seen through the events. */
    public record UserSummary(String email, boolean confirmed, int logins, boolean deleted) {
    }

    private final Map<String, UserSummary> users = new ConcurrentHashMap<>();

    @Override
    public boolean handle(String userId, CloudEvent event) {
        switch (event.type()) {
            case "dev.tessera.user.signup.v1", "dev.tessera.user.invited.v1" ->
                users.put(userId, new UserSummary(email(event), confirmed(event), 0, false));
            case "dev.tessera.user.confirmed.v1", "dev.tessera.user.email_changed.v1", "dev.tessera.user.updated.v1",
                    "dev.tessera.user.invite_accepted.v1" ->
                users.compute(userId, (id, known) -> new UserSummary(email(event), confirmed(event),
                        known == null ? 0 : known.logins(), false));
            case "dev.tessera.session.login.v1" ->
                users.compute(userId, (id, known) -> known == null
                        ? new UserSummary(event.data().path("email").asText(null), true, 1, false)
                        : new UserSummary(known.email(), known.confirmed(), known.logins() + 1, known.deleted()));
            case "dev.tessera.user.deleted.v1" ->
                users.compute(userId, (id, known) -> new UserSummary(email(event), confirmed(event),
                        known == null ? 0 : known.logins(), true));
            default -> {
                // Types this team does not need (logout, refreshed, ...) and types added after this code was written
                // land here. Skipping them, rather than failing, keeps the consumer running when Tessera grows.
                return false;
            }
        }
        return true;
    }

    public Optional<UserSummary> user(String userId) {
        return Optional.ofNullable(users.get(userId));
    }

    private static String email(CloudEvent event) {
        return event.data().path("user").path("email").asText(null);
    }

    private static boolean confirmed(CloudEvent event) {
        return event.data().path("user").hasNonNull("confirmed_at");
    }
}
