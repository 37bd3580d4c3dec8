package dev.tessera.platform.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which public event types trigger which background hook. */
class HookEventTest {

    @Test
    void eventTypesMapToHookEvents() {
        Map<EventType, Optional<HookEvent>> expected = Map.ofEntries(
                Map.entry(EventType.SIGNUP, Optional.of(HookEvent.VALIDATE)),
                Map.entry(EventType.INVITED, Optional.of(HookEvent.VALIDATE)),
                Map.entry(EventType.CONFIRMED, Optional.of(HookEvent.SIGNUP)),
                Map.entry(EventType.LOGIN, Optional.of(HookEvent.LOGIN)),
                Map.entry(EventType.USER_UPDATED, Optional.empty()),
                Map.entry(EventType.PASSWORD_CHANGED, Optional.empty()),
                Map.entry(EventType.EMAIL_CHANGED, Optional.empty()),
                Map.entry(EventType.USER_DELETED, Optional.of(HookEvent.USER_DELETED)),
                Map.entry(EventType.INVITE_ACCEPTED, Optional.empty()),
                Map.entry(EventType.LOGOUT, Optional.empty()),
                Map.entry(EventType.TOKEN_REFRESHED, Optional.empty()),
                Map.entry(EventType.SESSION_REVOKED, Optional.empty()),
                Map.entry(EventType.RECOVERY_REQUESTED, Optional.empty()),
                Map.entry(EventType.EMAIL_CHANGE_REQUESTED, Optional.empty()));
        assertEquals(EventType.values().length, expected.size(), "every type is decided");
        expected.forEach((type, hook) -> assertEquals(hook, HookEvent.triggeredBy(type, false), type.name()));
    }

    /** GoTrue's usermodified is an admin's update, once: the user_updated every such update announces. */
    @Test
    void anAdminsUpdateIsUserModifiedOnce() {
        for (EventType type : EventType.values()) {
            Optional<HookEvent> expected = type == EventType.USER_UPDATED ? Optional.of(HookEvent.USER_MODIFIED)
                    : HookEvent.triggeredBy(type, false);
            assertEquals(expected, HookEvent.triggeredBy(type, true), type.name());
        }
    }

    @Test
    void onlyValidateSignupAndLoginAreSynchronous() {
        for (HookEvent event : HookEvent.values()) {
            assertEquals(event == HookEvent.VALIDATE || event == HookEvent.SIGNUP || event == HookEvent.LOGIN,
                    event.synchronous(), event.name());
            assertEquals(Optional.of(event), HookEvent.fromWireName(event.wireName()));
        }
    }
}
