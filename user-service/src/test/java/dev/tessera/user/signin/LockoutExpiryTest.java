package dev.tessera.user.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.ShortLockoutAndConcealedSignups;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A lockout ends after its time (2 s here), the next one in a row lasts twice as long, and a success starts over.
 * The only waits are the Retry-After the service answers.
 */
@QuarkusTest
@TestProfile(ShortLockoutAndConcealedSignups.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class LockoutExpiryTest {

    @InjectTestStack
    TestStack stack;

    /** Ten wrong guesses; answers the Retry-After of the eleventh attempt, made with the right password. */
    static long lockOut(String email) {
        assertEquals(LoginLockoutTest.expected(10, 0), LoginLockoutTest.guesses(email, 10));
        Response locked = LoginLockoutTest.login(email, LoginLockoutTest.PASSWORD);
        assertEquals("429", LoginLockoutTest.outcome(locked));
        return Long.parseLong(locked.header("Retry-After"));
    }

    @Test
    void aLockoutEndsAndTheNextInARowLastsTwiceAsLong() throws Exception {
        String email = LoginLockoutTest.confirmedUser(stack).email();
        int base = ShortLockoutAndConcealedSignups.LOCKOUT_SECONDS;

        long first = lockOut(email);
        assertTrue(first >= 1 && first <= base, "Retry-After " + first);
        Thread.sleep(first * 1000);

        long second = lockOut(email);
        assertTrue(second > base && second <= 2 * base, "the second lockout in a row lasts twice as long: " + second);
        Thread.sleep(second * 1000);

        LoginLockoutTest.login(email, LoginLockoutTest.PASSWORD).then().statusCode(200);
        long afterSuccess = lockOut(email);
        assertTrue(afterSuccess <= base, "a success starts the doubling over: " + afterSuccess);
    }
}
