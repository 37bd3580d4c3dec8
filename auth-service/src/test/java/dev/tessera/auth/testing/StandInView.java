package dev.tessera.auth.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;

import dev.tessera.platform.internal.IdentityView;
import dev.tessera.platform.testing.TestStack;

/**
 * user-service's identity view as auth-service's tests publish it: a table with the view's published columns in a
 * schema the test names. user-service's own tests hold the real view to the same columns.
 */
public final class StandInView {

    private StandInView() {
    }

    /** Creates the schema and the table, unless they exist. */
    public static void publish(TestStack stack, String schema) throws Exception {
        try (Connection c = stack.jdbc(); Statement s = c.createStatement()) {
            s.execute("create schema if not exists " + schema);
            s.execute("create table if not exists " + schema + "." + IdentityView.NAME + " (id uuid primary key,"
                    + " aud text, email text, role text, confirmed boolean, app_metadata jsonb, user_metadata jsonb,"
                    + " session_epoch bigint, kept_session_id uuid)");
        }
    }

    /** Shows a confirmed user at session epoch 0 with the given metadata (JSON objects, or null). */
    public static void show(TestStack stack, String schema, UUID id, String email, String appMetadata,
            String userMetadata) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("insert into " + schema + "."
                + IdentityView.NAME + " values (?, '', ?, '', true, ?::jsonb, ?::jsonb, 0, null)")) {
            s.setObject(1, id);
            s.setString(2, email);
            s.setString(3, appMetadata);
            s.setString(4, userMetadata);
            s.executeUpdate();
        }
    }
}
