package dev.tessera.auth.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.internal.ExternalEmail;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Reads the signed-in account from the provider's API with its access token: the addresses with the provider's
 * verified and primary flags, and {@code full_name}/{@code avatar_url} (Facebook also {@code slug}) for
 * {@code user_metadata}, empty values left out. Which addresses count as verified: GitHub and Bitbucket say so per
 * address, Google in {@code verified_email}, GitLab in {@code confirmed_at} (of the account for its primary address,
 * of each listed address), Facebook's is. GoTrue took GitLab's primary address as verified and no other: GitLab
 * lets an account sign in for a while before its address is confirmed, so anyone could have claimed someone else's.
 */
@ApplicationScoped
public class ProfileReader {

    private static final int TIMEOUT_MS = 10_000;

    private final WebClient web;

    public ProfileReader(Vertx vertx) {
        this.web = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("Tessera")
                .setConnectTimeout(TIMEOUT_MS)
                .setIdleTimeout(30));
    }

    @PreDestroy
    void close() {
        web.close();
    }

    public Uni<ProviderProfile> read(Provider provider, String accessToken) {
        String api = provider.apiBase();
        return switch (provider.kind()) {
            case GITHUB -> get(api + "/user", accessToken).chain(user -> getArray(api + "/user/emails", accessToken)
                    .map(emails -> new ProviderProfile(githubEmails(emails),
                            metadata(user.getString("name"), user.getString("avatar_url"), null))));
            case GITLAB -> get(api + "/user", accessToken).chain(user -> getArray(api + "/user/emails", accessToken)
                    .map(emails -> new ProviderProfile(gitlabEmails(user, emails),
                            metadata(user.getString("name"), user.getString("avatar_url"), null))));
            case GOOGLE -> get(api + "/userinfo/v2/me", accessToken).map(user -> new ProviderProfile(
                    single(user.getString("email"), user.getBoolean("verified_email", false)),
                    metadata(user.getString("name"), user.getString("picture"), null)));
            case BITBUCKET -> get(api + "/user", accessToken).chain(user -> get(api + "/user/emails", accessToken)
                    .map(emails -> new ProviderProfile(bitbucketEmails(emails.getJsonArray("values", new JsonArray())),
                            metadata(user.getString("display_name"), avatarOfBitbucket(user), null))));
            case FACEBOOK -> get(api + "/me?fields=email,first_name,last_name,name,picture,short_name&appsecret_proof="
                    + appSecretProof(provider.secret(), accessToken), accessToken)
                    .map(user -> new ProviderProfile(single(user.getString("email"), true),
                            metadata(user.getString("name"), pictureOfFacebook(user), user.getString("short_name"))));
        };
    }

    private Uni<JsonObject> get(String url, String accessToken) {
        return call(url, accessToken).map(HttpResponse::bodyAsJsonObject);
    }

    private Uni<JsonArray> getArray(String url, String accessToken) {
        return call(url, accessToken).map(HttpResponse::bodyAsJsonArray);
    }

    private Uni<HttpResponse<Buffer>> call(String url, String accessToken) {
        return web.getAbs(url)
                .timeout(TIMEOUT_MS)
                .putHeader("Authorization", "Bearer " + accessToken)
                .putHeader("Accept", "application/json")
                .send()
                .invoke(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new IllegalStateException("profile request answered " + response.statusCode());
                    }
                });
    }

    private static List<ExternalEmail> githubEmails(JsonArray emails) {
        List<ExternalEmail> out = new ArrayList<>();
        for (Object item : emails) {
            if (item instanceof JsonObject e && hasText(e.getString("email"))) {
                out.add(new ExternalEmail(e.getString("email"), e.getBoolean("verified", false),
                        e.getBoolean("primary", false)));
            }
        }
        return out;
    }

    /** Newer GitLab lists the primary address among the others too; it is given once, as the primary. */
    private static List<ExternalEmail> gitlabEmails(JsonObject user, JsonArray listed) {
        String primary = user.getString("email");
        boolean primaryConfirmed = hasText(user.getString("confirmed_at"));
        List<ExternalEmail> out = new ArrayList<>();
        for (Object item : listed) {
            if (item instanceof JsonObject e && hasText(e.getString("email"))) {
                boolean confirmed = hasText(e.getString("confirmed_at"));
                if (e.getString("email").equalsIgnoreCase(primary)) {
                    primaryConfirmed |= confirmed;
                } else {
                    out.add(new ExternalEmail(e.getString("email"), confirmed, false));
                }
            }
        }
        if (hasText(primary)) {
            out.add(0, new ExternalEmail(primary, primaryConfirmed, true));
        }
        return out;
    }

    private static List<ExternalEmail> bitbucketEmails(JsonArray values) {
        List<ExternalEmail> out = new ArrayList<>();
        for (Object item : values) {
            if (item instanceof JsonObject e && hasText(e.getString("email"))) {
                out.add(new ExternalEmail(e.getString("email"), e.getBoolean("is_confirmed", false),
                        e.getBoolean("is_primary", false)));
            }
        }
        return out;
    }

    private static List<ExternalEmail> single(String email, boolean verified) {
        return hasText(email) ? List.of(new ExternalEmail(email, verified, true)) : List.of();
    }

    private static String avatarOfBitbucket(JsonObject user) {
        JsonObject links = user.getJsonObject("links");
        JsonObject avatar = links == null ? null : links.getJsonObject("avatar");
        return avatar == null ? null : avatar.getString("href");
    }

    private static String pictureOfFacebook(JsonObject user) {
        JsonObject picture = user.getJsonObject("picture");
        JsonObject data = picture == null ? null : picture.getJsonObject("data");
        return data == null ? null : data.getString("url");
    }

    private static Map<String, Object> metadata(String fullName, String avatarUrl, String slug) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (hasText(fullName)) {
            metadata.put("full_name", fullName);
        }
        if (hasText(avatarUrl)) {
            metadata.put("avatar_url", avatarUrl);
        }
        if (hasText(slug)) {
            metadata.put("slug", slug);
        }
        return metadata;
    }

    /** Facebook's proof that the caller holds the app secret as well as the token. */
    static String appSecretProof(String secret, String accessToken) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(accessToken.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
