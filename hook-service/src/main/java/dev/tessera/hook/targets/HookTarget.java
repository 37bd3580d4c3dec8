package dev.tessera.hook.targets;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where one hook goes: an identity event function on the function host, or GoTrue's webhook.
 *
 * @param name what operators and logs call it: the function name ({@code identity-login}) or {@code webhook}
 * @param url the absolute URL the hook is POSTed to
 * @param secret the signing key: the JWT secret for functions (as GoTrue signs function hooks), the webhook secret
 *        for the webhook; empty means unsigned
 */
public record HookTarget(String name, URI url, String secret) {

    public static final String WEBHOOK = "webhook";

    public boolean signed() {
        return secret != null && !secret.isEmpty();
    }

    /** The URL as shown in errors and logs: without user info, which may carry credentials. */
    public String displayUrl() {
        if (url.getRawUserInfo() == null) {
            return url.toString();
        }
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getRawPath(), url.getRawQuery(),
                    null).toString();
        } catch (URISyntaxException e) {
            return url.getScheme() + "://" + url.getHost();
        }
    }

    /**
     * The URL as a client sees it in a failed hook's answer (GoTrue's {@code "Failed to connect to <url>"}): never
     * the query, where a webhook's token often rides, and of the webhook only scheme, host and port, since services
     * such as Slack put the secret in the path. A function's path is its name, which helps whoever reads the error.
     */
    public String publicUrl() {
        String path = WEBHOOK.equals(name) || url.getRawPath() == null ? "" : url.getRawPath();
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + path;
    }

    @Override
    public String toString() {
        return name + " (" + displayUrl() + ")";
    }
}
