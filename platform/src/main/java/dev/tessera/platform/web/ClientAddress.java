package dev.tessera.platform.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.config.GoTrueConfig;
import io.smallrye.common.net.CidrAddress;
import io.smallrye.common.net.Inet;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address a request came from, as rate limits key it. The connection's peer is the client unless it is one of
 * the trusted proxies ({@code TESSERA_TRUSTED_PROXIES}, addresses and CIDR ranges; loopback by default). A trusted
 * peer's header naming the client ({@code GOTRUE_RATE_LIMIT_HEADER}, else {@code X-Forwarded-For}) is read from the
 * right: each proxy appends the address it was connected from, so the right-most entry that is not a trusted proxy
 * is the last address no trusted proxy vouches for beyond, the client. Entries to its left are whatever the client
 * sent and are never read. When every entry is a trusted proxy, the request started inside, at the left-most one.
 *
 * <p>An IPv6 client is keyed by its /64: one host usually holds a whole /64, and would otherwise have 2^64 keys.
 * The peer is the TCP connection's, never the request's {@code remoteAddress()}, which Quarkus may already have
 * replaced from forwarded headers.
 */
@ApplicationScoped
public class ClientAddress {

    static final String DEFAULT_HEADER = "X-Forwarded-For";
    private static final int IPV6_CLIENT_PREFIX = 64;

    private final List<CidrAddress> trusted;
    private final String header;

    @Inject
    public ClientAddress(GoTrueConfig config,
            @ConfigProperty(name = "tessera.trusted-proxies") List<String> trusted) {
        this(trusted, config.rateLimitHeader().filter(h -> !h.isBlank()).orElse(DEFAULT_HEADER));
    }

    ClientAddress(List<String> trusted, String header) {
        this.trusted = trusted.stream().map(String::trim).filter(s -> !s.isEmpty()).map(ClientAddress::range).toList();
        this.header = header;
    }

    /** The client of this request, as an address ({@code 203.0.113.7}) or an IPv6 /64 ({@code 2001:db8::/64}). */
    public String of(HttpServerRequest request) {
        InetAddress client = client(request);
        return client == null ? "unknown" : key(client);
    }

    /**
     * The client's own address (an IPv6 one whole, not its /64), found as {@link #of} finds it, for a service that
     * passes it on (the function gateway); null when the connection names no peer.
     */
    public String addressOf(HttpServerRequest request) {
        InetAddress client = client(request);
        return client == null ? null : client.getHostAddress();
    }

    private InetAddress client(HttpServerRequest request) {
        SocketAddress peer = request.connection().remoteAddress();
        return client(peer == null ? null : peer.hostAddress(), request.headers().getAll(header));
    }

    String resolve(String peerAddress, List<String> headerValues) {
        InetAddress client = client(peerAddress, headerValues);
        return client == null ? "unknown" : key(client);
    }

    private InetAddress client(String peerAddress, List<String> headerValues) {
        InetAddress peer = parse(peerAddress);
        if (peer == null) {
            return null;
        }
        InetAddress client = peer;
        if (isTrusted(peer)) {
            List<String> hops = new ArrayList<>();
            for (String value : headerValues) {
                for (String entry : value.split(",")) {
                    hops.add(entry.trim());
                }
            }
            for (int i = hops.size() - 1; i >= 0; i--) {
                InetAddress hop = parse(hops.get(i));
                if (hop == null) {
                    // A trusted proxy passed on something that is no address: the hop it came from is as far as
                    // anyone vouches.
                    break;
                }
                client = hop;
                if (!isTrusted(hop)) {
                    break;
                }
            }
        }
        return client;
    }

    private boolean isTrusted(InetAddress address) {
        for (CidrAddress range : trusted) {
            if (range.matches(address)) {
                return true;
            }
        }
        return false;
    }

    private static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            return CidrAddress.create(address, IPV6_CLIENT_PREFIX).toString();
        }
        return address.getHostAddress();
    }

    /**
     * An address literal, with an optional port ({@code 203.0.113.7:4711}, {@code [2001:db8::1]:4711}); never a
     * name lookup. An IPv4-mapped IPv6 address is the IPv4 address.
     */
    static InetAddress parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String literal = text.trim();
        if (literal.startsWith("[")) {
            int end = literal.indexOf(']');
            literal = end < 0 ? "" : literal.substring(1, end);
        } else if (literal.indexOf(':') >= 0 && literal.indexOf(':') == literal.lastIndexOf(':')) {
            literal = literal.substring(0, literal.indexOf(':'));
        }
        InetAddress parsed = Inet.parseInetAddress(literal);
        if (parsed == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(parsed.getAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static CidrAddress range(String text) {
        int slash = text.indexOf('/');
        InetAddress address = parse(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("TESSERA_TRUSTED_PROXIES: '" + text
                    + "' is not an IP address or CIDR range");
        }
        int bits = address.getAddress().length * 8;
        try {
            int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1).trim());
            if (prefix < 0 || prefix > bits) {
                throw new NumberFormatException();
            }
            return CidrAddress.create(address, prefix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TESSERA_TRUSTED_PROXIES: '" + text + "' has no valid prefix length");
        }
    }
}
