package dev.tessera.auth.oauth;

import java.util.Map;

import dev.tessera.platform.testing.FakeGitHub;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Runs a {@link FakeGitHub} for auth-service's tests and points {@code GOTRUE_EXTERNAL_GITHUB_*} at it. */
public class GitHubResource implements QuarkusTestResourceLifecycleManager {

    static final String CLIENT_ID = "tessera-test-client";
    static final String CLIENT_SECRET = "tessera-test-client-secret";
    static final String REDIRECT_URI = "http://localhost/callback";
    static volatile FakeGitHub github;

    @Override
    public Map<String, String> start() {
        github = new FakeGitHub(CLIENT_ID, CLIENT_SECRET);
        return Map.of(
                "gotrue.external.github.enabled", "true",
                "gotrue.external.github.client-id", CLIENT_ID,
                "gotrue.external.github.secret", CLIENT_SECRET,
                "gotrue.external.github.redirect-uri", REDIRECT_URI,
                "gotrue.external.github.url", github.url(),
                // GitLab is switched on but not configured, for the "incomplete provider" answer.
                "gotrue.external.gitlab.enabled", "true");
    }

    @Override
    public void stop() {
        if (github != null) {
            github.close();
        }
    }
}
