package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** An address nothing listens on, for a service that is down: a connection to it is refused. */
public final class ClosedPort {

    private ClosedPort() {
    }

    /** {@code http://127.0.0.1:<port>} for a loopback port that was free a moment ago and is closed again. */
    public static String url() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
