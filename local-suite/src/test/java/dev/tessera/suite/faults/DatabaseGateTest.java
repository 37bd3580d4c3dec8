package dev.tessera.suite.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;

/**
 * The gate the fault suite puts in front of PostgreSQL, here in front of an echo server: open, it passes bytes both
 * ways; shut, it breaks the connections through it and refuses new ones, as a server that went down does; reopened,
 * it passes new connections again.
 */
class DatabaseGateTest {

    private Vertx vertx;
    private NetServer echo;
    private DatabaseGate gate;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        echo = vertx.createNetServer().connectHandler(socket -> socket.handler(socket::write));
        echo.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gate = DatabaseGate.open(vertx, freePort(), "127.0.0.1", echo.actualPort());
    }

    @AfterEach
    void stop() throws Exception {
        gate.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void passesBytesWhileOpenBreaksAndRefusesWhileShutAndPassesAgainWhenReopened() throws Exception {
        try (Socket through = connect()) {
            assertEquals("select 1", roundTrip(through, "select 1"));

            gate.shut();
            assertEquals(-1, readOrEnd(through.getInputStream()), "the open connection is broken");
            assertThrows(ConnectException.class, this::connect, "new connections are refused");
        }
        gate.reopen();
        try (Socket again = connect()) {
            assertEquals("select 2", roundTrip(again, "select 2"));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", gate.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] answer = socket.getInputStream().readNBytes(text.length());
        return new String(answer, StandardCharsets.UTF_8);
    }

    /** The next byte, or -1 at the end of the stream (a reset counts as the end too). */
    private static int readOrEnd(InputStream in) {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
