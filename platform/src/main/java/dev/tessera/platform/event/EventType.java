package dev.tessera.platform.event;

import java.util.Arrays;
import java.util.Optional;

/**
 * The public event types. The CloudEvents {@code type} is versioned so that a consumer can tell a changed payload
 * apart. What a type means to one consumer (the background hook it triggers: {@link HookEvent#triggeredBy}; its
 * audit-log action: user-service's audit projection) is decided by that consumer, in a switch over every type.
 */
public enum EventType {
    SIGNUP("dev.tessera.user.signup.v1"),
    CONFIRMED("dev.tessera.user.confirmed.v1"),
    LOGIN("dev.tessera.session.login.v1"),
    LOGOUT("dev.tessera.session.logout.v1"),
    TOKEN_REFRESHED("dev.tessera.session.refreshed.v1"),
    SESSION_REVOKED("dev.tessera.session.revoked.v1"),
    RECOVERY_REQUESTED("dev.tessera.user.recovery_requested.v1"),
    PASSWORD_CHANGED("dev.tessera.user.password_changed.v1"),
    EMAIL_CHANGE_REQUESTED("dev.tessera.user.email_change_requested.v1"),
    EMAIL_CHANGED("dev.tessera.user.email_changed.v1"),
    USER_UPDATED("dev.tessera.user.updated.v1"),
    USER_DELETED("dev.tessera.user.deleted.v1"),
    INVITED("dev.tessera.user.invited.v1"),
    INVITE_ACCEPTED("dev.tessera.user.invite_accepted.v1");

    private final String type;

    EventType(String type) {
        this.type = type;
    }

    /** The CloudEvents {@code type} attribute. */
    public String type() {
        return type;
    }

    public static Optional<EventType> fromType(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }
}
