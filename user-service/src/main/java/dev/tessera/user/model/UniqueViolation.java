package dev.tessera.user.model;

import java.sql.SQLException;

import io.vertx.pgclient.PgException;

/** Recognises PostgreSQL's unique_violation (23505) however deep the persistence layers wrapped it. */
public final class UniqueViolation {

    private UniqueViolation() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
