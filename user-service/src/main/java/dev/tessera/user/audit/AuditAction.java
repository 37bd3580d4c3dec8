package dev.tessera.user.audit;

import dev.tessera.platform.event.EventType;

/**
 * How an event reads in GoTrue's audit log: its {@code action} and {@code log_type}. These names belong to the audit
 * log, not to the event contract, so they live here, beside the projection that writes them; the switch names every
 * event type, so a new one does not compile until it has an entry.
 */
record AuditAction(String action, String logType) {

    static AuditAction of(EventType type) {
        return switch (type) {
            case SIGNUP -> new AuditAction("user_signedup", "team");
            // GoTrue folds a confirmation into user_signedup; the log keeps it apart.
            case CONFIRMED -> new AuditAction("user_confirmed", "account");
            case LOGIN -> new AuditAction("login", "account");
            case LOGOUT -> new AuditAction("logout", "account");
            case TOKEN_REFRESHED -> new AuditAction("token_refreshed", "token");
            case SESSION_REVOKED -> new AuditAction("token_revoked", "token");
            case RECOVERY_REQUESTED -> new AuditAction("user_recovery_requested", "user");
            case PASSWORD_CHANGED, EMAIL_CHANGE_REQUESTED, EMAIL_CHANGED, USER_UPDATED ->
                    new AuditAction("user_modified", "user");
            case USER_DELETED -> new AuditAction("user_deleted", "team");
            case INVITED -> new AuditAction("user_invited", "team");
            case INVITE_ACCEPTED -> new AuditAction("invite_accepted", "account");
        };
    }
}
