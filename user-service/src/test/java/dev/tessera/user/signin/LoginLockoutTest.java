package dev.tessera.user.signin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.MailTokens;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Password guessing against one account (the defaults: 10 failures, then 5 minutes): the eleventh guess and every
 * later one, the right password too, answer 429 with Retry-After; an address without an account answers the same;
 * a success or a completed recovery starts over. LockoutExpiryTest covers the end of a lockout.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
public class LoginLockoutTest {

    public static final String PASSWORD = "the right password";
    static final String NO_MATCH = "No user found with that email, or password invalid.";
    static final String LOCKED = "Too many login attempts for this account, try again later";

    @InjectTestStack
    TestStack stack;

    public static Response login(String email, String password) {
        return VerifyAndAuthenticateTest.internal().body(Map.of("email", email, "password", password, "aud", ""))
                .post("/internal/authenticate");
    }

    /** What a guess answered, as a client sees it: the status, the error, and whether Retry-After came. */
    static String outcome(Response response) {
        if (response.statusCode() == 429) {
            long retryAfter = Long.parseLong(response.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 300, "Retry-After " + retryAfter);
            assertEquals(Map.of("code", 429, "msg", LOCKED), response.jsonPath().getMap("$"));
            return "429";
        }
        return response.statusCode() + " " + response.jsonPath().getString("error_description");
    }

    public record Account(String id, String email) {
    }

    public static Account confirmedUser(TestStack stack) {
        String email = "guessed-" + UUID.randomUUID() + "@example.com";
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", PASSWORD))
                .post("/signup").then().statusCode(200).extract().path("id");
        VerifyAndAuthenticateTest.internal()
                .body(Map.of("type", "signup", "token", MailTokens.newest(stack, id, "CONFIRMATION")))
                .post("/internal/verify").then().statusCode(200);
        return new Account(id, email);
    }

    static List<String> guesses(String email, int count) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            outcomes.add(outcome(login(email, "wrong guess " + i)));
        }
        return outcomes;
    }

    static List<String> expected(int failures, int locked) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < failures + locked; i++) {
            outcomes.add(i < failures ? "400 " + NO_MATCH : "429");
        }
        return outcomes;
    }

    @Test
    void thirtyWrongGuessesLockTheAccountAfterTenAndTheRightPasswordWaitsToo() {
        String email = confirmedUser(stack).email();
        assertEquals(expected(10, 20), guesses(email, 30));
        assertEquals("429", outcome(login(email, PASSWORD)), "the right password is refused while locked");
        assertEquals("429", outcome(login(email.toUpperCase(), PASSWORD)), "whatever the address's case");
    }

    /** The database folds 'İ' onto 'i' where Java does not: such a spelling must not reach the account. */
    @Test
    void anotherSpellingOfTheAddressIsNoWayAround() {
        Account account = confirmedUser(stack);
        String email = "victim-" + account.email();
        given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", PASSWORD, "confirm", true)).post("/admin/users")
                .then().statusCode(200);
        assertEquals(expected(10, 1), guesses(email, 11));
        for (String spelling : List.of(email.replace('i', '\u0130'), email.toUpperCase().replace('I', '\u0130'))) {
            assertEquals("400 " + NO_MATCH, outcome(login(spelling, PASSWORD)), spelling);
        }
    }

    @Test
    void anAddressWithoutAnAccountAnswersExactlyTheSame() {
        String nobody = "nobody-" + UUID.randomUUID() + "@example.com";
        assertEquals(expected(10, 20), guesses(nobody, 30));
    }

    @Test
    void aSuccessStartsTheCountOver() {
        String email = confirmedUser(stack).email();
        assertEquals(expected(9, 0), guesses(email, 9));
        login(email, PASSWORD).then().statusCode(200);
        assertEquals(expected(10, 1), guesses(email, 11));
    }

    /**
     * An account that signs in again and again, several logins at once (a service's account, say), is never
     * refused: every success gives back the slot its reservation took, so no count builds up.
     */
    @Test
    void anAccountSigningInOftenIsNeverHeldBack() throws Exception {
        String email = confirmedUser(stack).email();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<String> outcomes = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                List<Callable<Integer>> logins = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    logins.add(() -> login(email, PASSWORD).statusCode());
                }
                for (Future<Integer> answer : pool.invokeAll(logins)) {
                    outcomes.add(String.valueOf(answer.get()));
                }
            }
            assertEquals(List.of("200"), outcomes.stream().distinct().toList(), outcomes.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("400 " + NO_MATCH, outcome(login(email, "one wrong guess")), "and a guess is still checked");
    }

    @Test
    void aCompletedRecoveryLiftsTheLockout() {
        Account account = confirmedUser(stack);
        assertEquals(expected(10, 1), guesses(account.email(), 11));
        given().contentType(ContentType.JSON).body(Map.of("email", account.email())).post("/recover")
                .then().statusCode(200);
        assertEquals("429", outcome(login(account.email(), PASSWORD)), "asking for a link lifts nothing");
        VerifyAndAuthenticateTest.internal()
                .body(Map.of("type", "recovery", "token", MailTokens.newest(stack, account.id(), "RECOVERY")))
                .post("/internal/verify").then().statusCode(200);
        login(account.email(), PASSWORD).then().statusCode(200).body("email", equalTo(account.email()));
    }

    /** Fifty guesses at once: the reservation comes before the check, so at most ten passwords are checked. */
    @Test
    void parallelGuessesGetNoMoreChecksThanTheLimit() throws Exception {
        String email = confirmedUser(stack).email();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<String>> guesses = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String guess = "parallel guess " + i;
                guesses.add(() -> outcome(login(email, guess)));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> answer : pool.invokeAll(guesses)) {
                outcomes.add(answer.get());
            }
            long checked = outcomes.stream().filter(o -> o.equals("400 " + NO_MATCH)).count();
            assertTrue(checked <= 10, outcomes.toString());
            assertEquals(50, checked + outcomes.stream().filter("429"::equals).count(), outcomes.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("429", outcome(login(email, PASSWORD)));
    }
}
