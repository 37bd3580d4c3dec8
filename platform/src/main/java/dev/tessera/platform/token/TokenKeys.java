package dev.tessera.platform.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import org.jose4j.keys.HmacKey;

import dev.tessera.platform.config.GoTrueConfig;
import io.quarkus.runtime.Startup;

/**
 * This service's own access-token keys, from its configuration: {@code GOTRUE_JWT_KEYS} (or the file
 * {@code TESSERA_JWT_KEYS_FILE}) when set, the whole set; otherwise GoTrue's one key, {@code GOTRUE_JWT_SECRET} as
 * HS256 under {@code kid} {@value #GOTRUE_KID}, signing. Once a key set is configured the secret signs and verifies
 * no access token unless the set lists it as an {@code oct} key (the way to keep HS256 tokens valid while moving to
 * an asymmetric key); it still signs GoTrue's hook requests. Read at start, so a malformed set stops the service.
 */
@Singleton
@Startup
public class TokenKeys {

    /** GoTrue's {@code kid}; an HS256 token without one (netlify/gotrue's releases set none) is matched to it. */
    public static final String GOTRUE_KID = "nf-ident";

    private final List<TokenKey> keys;
    private final Map<String, TokenKey> byKid;
    private final TokenKey signing;
    private final boolean configured;

    public TokenKeys(GoTrueConfig config, KeyConfig keyConfig) {
        Optional<String> json = config.jwt().keys().filter(k -> !k.isBlank())
                .or(() -> keyConfig.keysFile().filter(f -> !f.isBlank()).map(TokenKeys::read));
        this.configured = json.isPresent();
        this.keys = json.map(TokenKeys::parse).orElseGet(() -> List.of(secretKey(config.jwt().secret())));
        this.byKid = keys.stream().collect(Collectors.toUnmodifiableMap(TokenKey::kid, Function.identity()));
        this.signing = keys.stream().filter(k -> k.state() == KeyState.SIGNING).findFirst().orElseThrow();
    }

    /** GoTrue's key: the secret's raw bytes, HS256, signing. */
    static TokenKey secretKey(String secret) {
        HmacKey key = new HmacKey(secret.getBytes(StandardCharsets.UTF_8));
        return new TokenKey(GOTRUE_KID, TokenKey.HS256, KeyState.SIGNING, key, key, null);
    }

    private static List<TokenKey> parse(String json) {
        try {
            return JwkSets.configured(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("GOTRUE_JWT_KEYS cannot be used: " + e.getMessage());
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalStateException("TESSERA_JWT_KEYS_FILE " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Whether the keys come from {@code GOTRUE_JWT_KEYS} rather than from the secret alone. */
    public boolean configured() {
        return configured;
    }

    /** The one key new tokens are signed with. */
    public TokenKey signing() {
        return signing;
    }

    /** The key of this {@code kid} in this service's configuration, whatever its state. */
    public Optional<TokenKey> find(String kid) {
        return Optional.ofNullable(byKid.get(kid));
    }

    public List<TokenKey> all() {
        return keys;
    }
}
