package dev.tessera.platform.token;

import java.time.Duration;
import java.util.Optional;

import dev.tessera.platform.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Tessera's settings of the access-token keys, beside GoTrue's {@code GOTRUE_JWT_SECRET}, {@code GOTRUE_JWT_KEYS} and
 * {@code GOTRUE_JWT_ISSUER} (in {@code GoTrueConfig}). Durations: Go syntax.
 */
@ConfigMapping(prefix = "tessera.jwt")
public interface KeyConfig {

    /**
     * {@code TESSERA_JWT_KEYS_FILE}: a file holding what {@code GOTRUE_JWT_KEYS} would (a mounted Kubernetes Secret);
     * read once at start, ignored when {@code GOTRUE_JWT_KEYS} is set.
     */
    @WithName("keys-file")
    Optional<String> keysFile();

    /**
     * {@code TESSERA_JWT_KEYS_URL}: auth-service's published key set on its internal address. A verifier outside
     * auth-service fetches it when a token names a {@code kid} it does not know, and on a schedule, so a key added to
     * auth-service is accepted before the verifier's own configuration names it. Unset: no fetching.
     */
    @WithName("keys-url")
    Optional<String> keysUrl();

    /** {@code TESSERA_JWT_KEYS_REFRESH}: how often the published set is fetched again without being asked to. */
    @WithName("keys-refresh")
    @WithDefault("10m")
    @WithConverter(GoDurationConverter.class)
    Duration keysRefresh();

    /**
     * {@code TESSERA_JWT_KEYS_REFETCH_FLOOR}: the least time between two fetches an unknown {@code kid} causes, so
     * tokens with invented key ids cannot turn into a stream of requests to auth-service.
     */
    @WithName("keys-refetch-floor")
    @WithDefault("30s")
    @WithConverter(GoDurationConverter.class)
    Duration keysRefetchFloor();
}
