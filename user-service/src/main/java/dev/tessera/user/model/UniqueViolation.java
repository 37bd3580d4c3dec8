package dev.tessera.user.model;

import java.sql.SQLException;

import io.vertx.pgclient.PgException;

import dev.tessera.platform.error.Causes;

/** Recognises PostgreSQL's unique_violation (23505) however deep the persistence layers wrapped it. */
public final class UniqueViolation {

    private UniqueViolation() {
    }

    public static boolean is(Throwable failure) {
        return Causes.any(failure, t -> t instanceof PgException pg && "23505".equals(pg.getSqlState())
                || t instanceof SQLException sql && "23505".equals(sql.getSQLState()));
    }
}
