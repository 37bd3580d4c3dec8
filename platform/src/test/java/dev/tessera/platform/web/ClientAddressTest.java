package dev.tessera.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which address a request is keyed by, for the peers and headers a proxy chain can produce. */
class ClientAddressTest {

    private final ClientAddress behindLoopbackAndPods = new ClientAddress(List.of("127.0.0.0/8", "::1", "10.42.0.0/16"),
            "X-Forwarded-For");

    private String client(String peer, String... forwardedFor) {
        return behindLoopbackAndPods.resolve(peer, List.of(forwardedFor));
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertEquals("203.0.113.7", client("203.0.113.7", "198.51.100.1"));
        assertEquals("203.0.113.7", client("203.0.113.7"));
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedEntryIsTheClient() {
        assertEquals("203.0.113.7", client("10.42.3.4", "203.0.113.7"));
        assertEquals("203.0.113.7", client("10.42.3.4", "198.51.100.1, 203.0.113.7"));
        assertEquals("203.0.113.7", client("10.42.3.4", "198.51.100.1, 203.0.113.7, 10.42.0.9"));
        assertEquals("203.0.113.7", client("10.42.3.4", "198.51.100.1", "203.0.113.7, 10.42.0.9"),
                "repeated headers read as one list");
    }

    @Test
    void aRequestFromInsideIsKeyedByItsFirstHop() {
        assertEquals("10.42.0.9", client("10.42.3.4", "10.42.0.9"));
        assertEquals("127.0.0.1", client("127.0.0.1"));
    }

    @Test
    void whatIsNoAddressEndsTheChainAtTheHopThatPassedItOn() {
        assertEquals("10.42.3.4", client("10.42.3.4", "unknown"));
        assertEquals("10.42.0.9", client("10.42.3.4", "203.0.113.7, nonsense, 10.42.0.9"));
        assertEquals("10.42.3.4", client("10.42.3.4", "example.com"), "names are never looked up");
    }

    @Test
    void portsBracketsAndMappedAddressesAreRead() {
        assertEquals("203.0.113.7", client("10.42.3.4", "203.0.113.7:51234"));
        assertEquals("2001:db8:1:2::/64", client("10.42.3.4", "[2001:db8:1:2::99]:443"));
        assertEquals("203.0.113.7", client("::ffff:10.42.3.4", "::ffff:203.0.113.7"));
        assertEquals("127.0.0.1", client("0:0:0:0:0:0:0:1", "127.0.0.1"));
    }

    @Test
    void anIpv6ClientIsKeyedByItsSlash64() {
        assertEquals("2001:db8:1:2::/64", client("2001:db8:1:2::1"));
        assertEquals(client("2001:db8:1:2::1"), client("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertEquals("2001:db8:1:3::/64", client("10.42.3.4", "2001:db8:1:3::5"));
    }

    @Test
    void anotherHeaderMayNameTheClient() {
        ClientAddress realIp = new ClientAddress(List.of("10.0.0.0/8"), "X-Real-IP");
        assertEquals("203.0.113.7", realIp.resolve("10.1.2.3", List.of("203.0.113.7")));
        assertEquals("203.0.113.8", realIp.resolve("203.0.113.8", List.of("203.0.113.7")));
    }

    @Test
    void aTrustedRangeThatIsNoRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("proxy.internal"), "X"));
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("10.0.0.0/33"), "X"));
    }
}
