package dev.tessera.hook.targets;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.hook.delivery.CallFailure;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Refuses hook targets on non-public addresses (loopback, RFC 1918, unique-local, link-local, CGNAT and the other
 * special-purpose ranges), as GoTrue's safe round-tripper does, unless {@code TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS}
 * is on. The host is resolved once per call, off the event loop, and the call then connects to exactly the address
 * that was checked, so a DNS answer that changes between check and connect cannot slip a private address in.
 */
@ApplicationScoped
public class TargetAddresses {

    private final boolean allowPrivate;
    private final Vertx vertx;

    public TargetAddresses(HooksConfig config, Vertx vertx) {
        this.allowPrivate = config.allowPrivateTargets();
        this.vertx = vertx;
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /**
     * The address to connect to: empty when private targets are allowed (connect as usual), else the checked
     * public address. Fails with a {@link CallFailure} of kind {@code REFUSED} for a non-public address and of kind
     * {@code CONNECT} for a host that does not resolve.
     */
    public Uni<Optional<InetAddress>> pin(URI url) {
        if (allowPrivate) {
            return Uni.createFrom().item(Optional.empty());
        }
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String name = host;
        return Uni.createFrom().completionStage(() -> vertx
                .executeBlocking(() -> InetAddress.getAllByName(name), false)
                .toCompletionStage())
                .onFailure(UnknownHostException.class)
                .transform(e -> CallFailure.notConnected("cannot resolve " + name, e))
                .map(addresses -> {
                    Optional<InetAddress> nonPublic = Arrays.stream(addresses).filter(a -> !isPublic(a)).findFirst();
                    if (nonPublic.isPresent()) {
                        throw CallFailure.refused(name + " resolves to the non-public address "
                                + nonPublic.get().getHostAddress()
                                + " (set TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS=true to allow it)");
                    }
                    return Optional.of(addresses[0]);
                });
    }

    /** Whether an address is on the public internet, and so a target GoTrue would call. */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return !(first == 0 // "this network"
                    || first == 100 && second >= 64 && second <= 127 // CGNAT 100.64/10
                    || first == 192 && second == 0 && (b[2] & 0xff) == 0 // IETF 192.0.0/24
                    || first == 192 && second == 0 && (b[2] & 0xff) == 2 // TEST-NET-1
                    || first == 198 && (second == 18 || second == 19) // benchmarking 198.18/15
                    || first == 198 && second == 51 && (b[2] & 0xff) == 100 // TEST-NET-2
                    || first == 203 && second == 0 && (b[2] & 0xff) == 113 // TEST-NET-3
                    || first >= 240); // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) { // unique-local fc00::/7
                return false;
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return false; // documentation 2001:db8::/32
            }
            if (first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return false; // NAT64 64:ff9b::/96 maps IPv4, which may be private
            }
        }
        return true;
    }
}
