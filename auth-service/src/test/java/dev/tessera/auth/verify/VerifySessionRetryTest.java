package dev.tessera.auth.verify;

import static dev.tessera.auth.testing.Grants.assertRows;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * {@code POST /verify} after user-service has spent the link's token: the session is auth-service's own write, and
 * a database that refuses it for a moment must not turn a good link into an error followed by "User not found".
 * PostgreSQL itself refuses here: a trigger on the sessions table raises {@code too_many_connections} (SQLSTATE
 * 53300, as a server at its limit answers) for the first inserts of one user, counting them in a sequence, which a
 * rollback does not undo.
 */
@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class VerifySessionRetryTest {

    @InjectTestStack
    TestStack stack;

    private final UUID user = UUID.randomUUID();
    private final String sequence = "verify_retry.tries_" + user.toString().replace("-", "");

    @BeforeEach
    void refuseThisUsersSessions() throws Exception {
        sql("create schema if not exists verify_retry",
                "create table if not exists verify_retry.refusals (user_id uuid primary key, times int not null)",
                "create sequence " + sequence,
                """
                create or replace function verify_retry.refuse() returns trigger language plpgsql as $$
                declare
                    refused int;
                begin
                    select times into refused from verify_retry.refusals where user_id = new.user_id;
                    if refused is not null then
                        if nextval('verify_retry.tries_' || replace(new.user_id::text, '-', '')) <= refused then
                            raise exception 'sorry, too many clients already' using errcode = '53300';
                        end if;
                    end if;
                    return new;
                end $$""",
                "drop trigger if exists refuse_for_test on auth.sessions",
                "create trigger refuse_for_test before insert on auth.sessions for each row"
                        + " execute function verify_retry.refuse()");
    }

    @AfterEach
    void removeTheTrigger() throws Exception {
        sql("drop trigger if exists refuse_for_test on auth.sessions", "drop sequence if exists " + sequence,
                "delete from verify_retry.refusals where user_id = '" + user + "'");
    }

    @Test
    void aSessionRefusedForAMomentIsStartedOnceTheDatabaseTakesIt() throws Exception {
        String token = refuse(2);
        given().contentType(ContentType.JSON).body(Map.of("type", "signup", "token", token)).post("/verify")
                .then().statusCode(200).body("token_type", equalTo("bearer")).body("access_token", notNullValue())
                .body("refresh_token", notNullValue());
        assertEquals(3, tries(), "two refused inserts, then the one that was taken");
        assertRows(stack, user, 1, 1, 0, "one session and its refresh token");
    }

    @Test
    void aDatabaseThatKeepsRefusingIsAnswered503AfterAFewTries() throws Exception {
        String token = refuse(1000);
        given().contentType(ContentType.JSON).body(Map.of("type", "signup", "token", token)).post("/verify")
                .then().statusCode(503).header("Retry-After", "1")
                .body("code", equalTo(503)).body("msg", equalTo("Service unavailable, try again later"));
        assertEquals(5, tries(), "the first try and four more");
        assertRows(stack, user, 0, 0, 0, "nothing written");
    }

    /** A token user-service answers with this test's user; the user's first {@code times} sessions are refused. */
    private String refuse(int times) throws Exception {
        sql("insert into verify_retry.refusals values ('" + user + "', " + times + ")");
        String token = "retry-" + user;
        UserServiceStub.VERIFY.put(token, new Object[] { 200, Grants.identity(user, user + "@example.com", 0, null) });
        return token;
    }

    private long tries() throws Exception {
        try (Connection c = stack.jdbc(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select case when is_called then last_value else 0 end from "
                        + sequence)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = stack.jdbc(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
