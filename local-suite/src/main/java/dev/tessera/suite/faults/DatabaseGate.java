package dev.tessera.suite.faults;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.tessera.suite.SuiteException;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP gate between the services and PostgreSQL that the fault suite can shut. Shut, it drops every open
 * connection and refuses new ones, which is what the services see of a database server that went down; open again,
 * it passes connections through as before. The suite shuts this gate instead of stopping a server, because the
 * server on this machine is shared with other runs and must never stop (see
 * docs/decisions/2026-12-02-fault-suite.md).
 */
final class DatabaseGate implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Vertx vertx;
    private final NetClient client;
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile NetServer server;

    private DatabaseGate(Vertx vertx, String targetHost, int targetPort, int port) {
        this.vertx = vertx;
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
    }

    /** Opens a gate on 127.0.0.1:{@code port} to {@code targetHost:targetPort}. */
    static DatabaseGate open(Vertx vertx, int port, String targetHost, int targetPort) {
        DatabaseGate gate = new DatabaseGate(vertx, targetHost, targetPort, port);
        gate.listen();
        return gate;
    }

    int port() {
        return port;
    }

    /** Drops every connection through the gate and refuses new ones until {@link #reopen}. */
    synchronized void shut() {
        NetServer listening = server;
        server = null;
        if (listening != null) {
            await(listening.close().toCompletionStage().toCompletableFuture());
        }
        sockets.forEach(NetSocket::close);
        sockets.clear();
    }

    /** Lets connections through again. */
    synchronized void reopen() {
        if (server == null) {
            listen();
        }
    }

    private void listen() {
        NetServer created = vertx.createNetServer().connectHandler(this::pass);
        try {
            await(created.listen(port, HOST).toCompletionStage().toCompletableFuture());
        } catch (SuiteException e) {
            throw new SuiteException("cannot open the database gate on " + HOST + ":" + port + ": " + e.getMessage(),
                    e);
        }
        server = created;
    }

    private void pass(NetSocket downstream) {
        downstream.pause();
        sockets.add(downstream);
        downstream.closeHandler(v -> sockets.remove(downstream));
        client.connect(targetPort, targetHost).onComplete(connected -> {
            if (connected.failed() || server == null) {
                if (connected.succeeded()) {
                    connected.result().close();
                }
                downstream.close();
                return;
            }
            NetSocket upstream = connected.result();
            sockets.add(upstream);
            upstream.closeHandler(v -> {
                sockets.remove(upstream);
                downstream.close();
            });
            downstream.closeHandler(v -> {
                sockets.remove(downstream);
                upstream.close();
            });
            downstream.pipeTo(upstream);
            upstream.pipeTo(downstream);
        });
    }

    private static void await(java.util.concurrent.CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new SuiteException(String.valueOf(e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        shut();
        client.close();
    }
}
