package dev.tessera.auth.site;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.auth.session.Sessions;
import io.smallrye.mutiny.Uni;

/**
 * {@link Sessions#live} for the site's pages, remembering a live answer for a few seconds
 * ({@code tessera.site.session-check-ttl}, 5 s; 0 asks every time). The session cookie rides on every request of a
 * page, its images and scripts included, and forward-auth is asked for each: without this a page of thirty files
 * would be thirty lookups of one session. So a session's end reaches the site's pages within that time on each
 * replica. An ended session is not remembered: it is asked again, and stays ended.
 */
@ApplicationScoped
public class RecentlyLive {

    /** More sessions than any replica sees in a few seconds; past it the memory starts again, which costs lookups. */
    static final int MOST = 50_000;

    private final Sessions sessions;
    private final long ttlNanos;
    /** Session id to the {@link System#nanoTime} until which it counts as live. */
    private final Map<UUID, Long> live = new ConcurrentHashMap<>();

    public RecentlyLive(Sessions sessions,
            @ConfigProperty(name = "tessera.site.session-check-ttl", defaultValue = "PT5S") Duration ttl) {
        this.sessions = sessions;
        this.ttlNanos = Math.max(0, ttl.toNanos());
    }

    public Uni<Boolean> live(UUID userId, UUID sessionId) {
        long now = System.nanoTime();
        Long until = live.get(sessionId);
        if (until != null && until - now > 0) {
            return Uni.createFrom().item(true);
        }
        return sessions.live(userId, sessionId).invoke(answer -> {
            if (!answer) {
                live.remove(sessionId);
            } else if (ttlNanos > 0) {
                if (live.size() >= MOST) {
                    live.clear();
                }
                live.put(sessionId, System.nanoTime() + ttlNanos);
            }
        });
    }
}
