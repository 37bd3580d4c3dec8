package dev.tessera.platform.event;

import java.util.Arrays;
import java.util.Optional;

/**
 * GoTrue's hook events. The first three are synchronous (they can block the action and replace metadata); the
 * last two are only ever delivered in the background, as webhooks. user-service names the synchronous ones when it
 * calls hook-service's {@code /internal/hooks/{event}}; hook-service delivers all five.
 */
public enum HookEvent {
    VALIDATE("validate", true),
    SIGNUP("signup", true),
    LOGIN("login", true),
    USER_MODIFIED("usermodified", false),
    USER_DELETED("userdeleted", false);

    private final String wireName;
    private final boolean synchronous;

    HookEvent(String wireName, boolean synchronous) {
        this.wireName = wireName;
        this.synchronous = synchronous;
    }

    /** The {@code event} of the payload and the suffix of {@code X-Netlify-Event: identity_<event>}. */
    public String wireName() {
        return wireName;
    }

    public boolean synchronous() {
        return synchronous;
    }

    /** The synchronous event function's name, e.g. {@code identity-login}. */
    public String functionName() {
        return "identity-" + wireName;
    }

    /** The background event function's name, e.g. {@code identity-login-background}. */
    public String backgroundFunctionName() {
        return functionName() + "-background";
    }

    public static Optional<HookEvent> fromWireName(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
    }

    /**
     * The hook event a public event triggers in the background: a created user (signup, invite) is
     * {@code validate}, a confirmation is {@code signup}, a password grant is {@code login}, an admin's update of a
     * user {@code usermodified}, a deleted user {@code userdeleted}. The switch names every type, so a new one does
     * not compile until it is decided here.
     *
     * @param byAdmin whether an admin caused the event (it carries {@code actor})
     */
    public static Optional<HookEvent> triggeredBy(EventType type, boolean byAdmin) {
        return switch (type) {
            case SIGNUP, INVITED -> Optional.of(VALIDATE);
            case CONFIRMED -> Optional.of(SIGNUP);
            case LOGIN -> Optional.of(LOGIN);
            // As on GoTrue, usermodified is PUT /admin/users/{id}, once per update: such an update always announces
            // user_updated, whatever else it changed. A user's own changes (PUT /user, signing up again, a login
            // hook's metadata) fire no webhook; the event stream has them.
            case USER_UPDATED -> byAdmin ? Optional.of(USER_MODIFIED) : Optional.empty();
            case PASSWORD_CHANGED, EMAIL_CHANGED -> Optional.empty();
            case USER_DELETED -> Optional.of(USER_DELETED);
            // GoTrue fires no hook for these: an accepted invite already triggers signup through its CONFIRMED
            // event; a logout, a refresh and a revocation for a reused refresh token end or renew sessions; a
            // recovery or email-change request changes no user yet. Whoever cares reads the event stream.
            case INVITE_ACCEPTED, LOGOUT, TOKEN_REFRESHED, SESSION_REVOKED, RECOVERY_REQUESTED,
                    EMAIL_CHANGE_REQUESTED -> Optional.empty();
        };
    }
}
