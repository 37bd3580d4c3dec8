package dev.tessera.hook.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import org.junit.jupiter.api.Test;

class HookTargetTest {

    /** A failed hook's answer reaches any visitor whose signup ran it: no secret of the target's URL goes along. */
    @Test
    void aClientSeesNoPartOfTheUrlWhereASecretMayRide() {
        HookTarget webhook = new HookTarget(HookTarget.WEBHOOK,
                URI.create("https://user:pw@hooks.example.com:8443/services/T0/B0/s3cr3t?token=abc"), "");
        assertEquals("https://hooks.example.com:8443", webhook.publicUrl());
        assertEquals("https://hooks.example.com:8443/services/T0/B0/s3cr3t?token=abc", webhook.displayUrl(),
                "the log keeps the path and query, without the user info");
        HookTarget function = new HookTarget("identity-signup",
                URI.create("http://functions:9999/identity-signup?key=abc"), "secret");
        assertEquals("http://functions:9999/identity-signup", function.publicUrl());
    }
}
