package dev.tessera.platform.error;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;

import io.vertx.pgclient.PgException;

/**
 * Recognises PostgreSQL refusing the service a connection: the server is not there (connection refused), at its
 * connection limit ({@code too many clients already}, or a role's limit), starting up or shutting down. Nothing the
 * client sent is wrong and nothing was written, so it is told to come back ({@code 503} with {@code Retry-After})
 * rather than handed a 500 that reads as a bug; the server's own words stay in the log, not in the answer.
 */
public final class DatabaseUnavailable {

    static final ApiError UNAVAILABLE = ApiError.of(503, "Service unavailable, try again later")
            .retryAfter(Duration.ofSeconds(1));

    /**
     * SQLSTATEs of a server that will not take the connection or the statement now: 53300 too_many_connections,
     * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in recovery).
     */
    private static final Set<String> REFUSING = Set.of("53300", "57P01", "57P02", "57P03");

    private DatabaseUnavailable() {
    }

    /** Whether {@code failure}, or one of its causes, is the database refusing the connection. */
    public static boolean is(Throwable failure) {
        // Calls to the other services are mapped where they are made (InternalErrors); a refused connection that gets
        // this far is the database's pool failing to connect.
        return Causes.any(failure, t -> t instanceof PgException pg && REFUSING.contains(pg.getSqlState())
                || t instanceof ConnectException);
    }
}
