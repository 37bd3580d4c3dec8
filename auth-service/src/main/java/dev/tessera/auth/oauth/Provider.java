package dev.tessera.auth.oauth;

/** A provider as this deployment configured it: where to send the browser, where to redeem the code, whom to ask. */
public record Provider(ProviderKind kind, String clientId, String secret, String redirectUri, String authorizeUrl,
        String tokenUrl, String apiBase) {

    public String id() {
        return kind.id();
    }

    @Override
    public String toString() {
        // Records print every component; the client secret must never reach a log line.
        return "Provider[" + kind.id() + ", client " + clientId + "]";
    }
}
