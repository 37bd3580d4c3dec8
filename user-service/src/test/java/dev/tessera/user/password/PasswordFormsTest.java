package dev.tessera.user.password;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A password is one password however its accented letters are encoded: precomposed ({@code é}, as most keyboards
 * send it) or decomposed ({@code e} and a combining acute, as some systems do). Hashes stored before passwords were
 * normalised still match the password as it was typed then.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class PasswordFormsTest {

    static final String COMPOSED = "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e";
    static final String DECOMPOSED = "Cafe\u0301 cre\u0300me bru\u0302le\u0301e";

    @InjectTestStack
    TestStack stack;

    static String confirmedUser(String email, String password) {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password, "confirm", true)).post("/admin/users").then()
                .statusCode(200).extract().path("id");
    }

    static int login(String email, String password) {
        return VerifyAndAuthenticateTest.internal().body(Map.of("email", email, "password", password, "aud", ""))
                .post("/internal/authenticate").then().extract().statusCode();
    }

    @Test
    void eitherEncodingOfAnAccentedPasswordSignsIn() {
        String decomposedUser = "nfd-" + UUID.randomUUID() + "@example.com";
        confirmedUser(decomposedUser, DECOMPOSED);
        String composedUser = "nfc-" + UUID.randomUUID() + "@example.com";
        confirmedUser(composedUser, COMPOSED);

        for (String email : new String[] { decomposedUser, composedUser }) {
            assertEquals(200, login(email, COMPOSED), email);
            assertEquals(200, login(email, DECOMPOSED), email);
            assertEquals(400, login(email, "Cafe creme brulee"), email);
        }
    }

    /** Seven accented letters are seven characters, however they are encoded: under the minimum of eight. */
    @Test
    void theMinimumLengthCountsCharactersAsTheyAreHashed() {
        given().contentType(ContentType.JSON).body(Map.of("email", "short-" + UUID.randomUUID() + "@example.com",
                "password", "e\u0301".repeat(7))).post("/signup").then().statusCode(422)
                .body("msg", org.hamcrest.Matchers.containsString("at least 8 characters"));
    }

    @Test
    void aHashOfThePasswordAsTypedBeforeStillMatches() throws Exception {
        String email = "typed-" + UUID.randomUUID() + "@example.com";
        storeHashOf(confirmedUser(email, "a placeholder password"), DECOMPOSED);

        assertEquals(200, login(email, DECOMPOSED));
        assertEquals(400, login(email, "a placeholder password"));
    }

    /**
     * bcrypt pads a password with NUL, so a hash of eight NULs (set before NUL was refused) is also the empty
     * password's; neither an empty password nor one with a NUL ever signs in.
     */
    @Test
    void anEmptyPasswordOrOneWithANulNeverSignsIn() throws Exception {
        String email = "nuls-" + UUID.randomUUID() + "@example.com";
        storeHashOf(confirmedUser(email, "a placeholder password"), "\0".repeat(8));

        assertEquals(400, login(email, ""));
        assertEquals(400, login(email, "\0"));
        assertEquals(400, login(email, "\0".repeat(8)));

        // One set with a NUL inside before that was refused still signs in as its owner types it.
        String typed = "before-" + UUID.randomUUID() + "@example.com";
        storeHashOf(confirmedUser(typed, "a placeholder password"), "Nul-\0-pass-12345");
        assertEquals(200, login(typed, "Nul-\0-pass-12345"));
    }

    /** Puts a hash made outside the service on the user, as an earlier release or an import left it. */
    void storeHashOf(String id, String password) throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2a", password.getBytes(StandardCharsets.UTF_8), salt, 4);
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement("update users.users set encrypted_password = ? where id = ?")) {
            s.setString(1, hash);
            s.setObject(2, UUID.fromString(id));
            assertEquals(1, s.executeUpdate());
        }
    }
}
