package dev.tessera.hook.targets;

import java.util.Arrays;
import java.util.Optional;

/**
 * GoTrue's hook events. The first three are synchronous (they can block the action and replace metadata); the
 * last two are only ever delivered in the background, as webhooks.
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
}
