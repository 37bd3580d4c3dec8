package dev.tessera.user.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Settings other than the defaults, shared by the tests that need them so the service starts once more, not once per
 * test: a lockout short enough to wait for, and signups that do not reveal registered addresses.
 */
public class ShortLockoutAndConcealedSignups implements QuarkusTestProfile {

    public static final int LOCKOUT_SECONDS = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("tessera.login-lockout.duration", LOCKOUT_SECONDS + "s",
                "tessera.signup.conceal-registered", "true");
    }
}
