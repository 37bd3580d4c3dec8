package dev.tessera.platform.event;

import java.util.Arrays;
import java.util.Optional;

/**
 * The public event types. The CloudEvents {@code type} is versioned so that a consumer can tell a changed payload
 * apart; {@code auditAction} and {@code logType} are the GoTrue audit-log names the audit projection uses.
 */
public enum EventType {
    SIGNUP("dev.tessera.user.signup.v1", "user_signedup", "team"),
    CONFIRMED("dev.tessera.user.confirmed.v1", "user_confirmed", "account"),
    LOGIN("dev.tessera.session.login.v1", "login", "account"),
    LOGOUT("dev.tessera.session.logout.v1", "logout", "account"),
    TOKEN_REFRESHED("dev.tessera.session.refreshed.v1", "token_refreshed", "token"),
    SESSION_REVOKED("dev.tessera.session.revoked.v1", "token_revoked", "token"),
    RECOVERY_REQUESTED("dev.tessera.user.recovery_requested.v1", "user_recovery_requested", "user"),
    PASSWORD_CHANGED("dev.tessera.user.password_changed.v1", "user_modified", "user"),
    EMAIL_CHANGE_REQUESTED("dev.tessera.user.email_change_requested.v1", "user_modified", "user"),
    EMAIL_CHANGED("dev.tessera.user.email_changed.v1", "user_modified", "user"),
    USER_UPDATED("dev.tessera.user.updated.v1", "user_modified", "user"),
    USER_DELETED("dev.tessera.user.deleted.v1", "user_deleted", "team"),
    INVITED("dev.tessera.user.invited.v1", "user_invited", "team"),
    INVITE_ACCEPTED("dev.tessera.user.invite_accepted.v1", "invite_accepted", "account");

    private final String type;
    private final String auditAction;
    private final String logType;

    EventType(String type, String auditAction, String logType) {
        this.type = type;
        this.auditAction = auditAction;
        this.logType = logType;
    }

    /** The CloudEvents {@code type} attribute. */
    public String type() {
        return type;
    }

    public String auditAction() {
        return auditAction;
    }

    public String logType() {
        return logType;
    }

    public static Optional<EventType> fromType(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }
}
