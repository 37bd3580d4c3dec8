package dev.tessera.hook.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import dev.tessera.hook.targets.TargetAddresses;

/** Which addresses count as public hook targets. */
class TargetAddressesTest {

    @Test
    void specialPurposeAddressesAreNotPublic() throws Exception {
        for (String address : new String[] { "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "100.127.255.254", "192.0.0.8",
                "198.18.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
                "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "2001:db8::1", "64:ff9b::a00:1" }) {
            assertFalse(TargetAddresses.isPublic(InetAddress.getByName(address)), address);
        }
    }

    @Test
    void publicAddressesArePublic() throws Exception {
        for (String address : new String[] { "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                "2606:4700:4700::1111", "2a00:1450:4001::1" }) {
            assertTrue(TargetAddresses.isPublic(InetAddress.getByName(address)), address);
        }
    }
}
