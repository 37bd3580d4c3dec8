package dev.tessera.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between the service and GreenMail that a test can shut: while refusing, it cuts every relayed
 * connection and hangs up on new ones right after accepting them, which the mailer sees as an SMTP server that is
 * down. Opening it again restores the path without restarting anything. It can also play a slow server (each new
 * connection's greeting held back) and tells how many SMTP sessions the service held open at once.
 */
public final class SmtpGate implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> relayed = ConcurrentHashMap.newKeySet();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private volatile Duration greetingDelay = Duration.ZERO;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "smtp-gate");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean open = true;

    public SmtpGate(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
        threads.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public synchronized void refuse() {
        open = false;
        relayed.forEach(SmtpGate::closeQuietly);
        relayed.clear();
    }

    public synchronized void open() {
        open = true;
    }

    /** Holds back the server's greeting on every new connection by {@code delay}, as a server under load would. */
    public void delayGreetings(Duration delay) {
        greetingDelay = delay;
    }

    /** Starts counting afresh: {@link #mostAtOnce()} then tells the most connections open together from now on. */
    public void recount() {
        mostAtOnce.set(clients.size());
    }

    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            synchronized (this) {
                if (!open) {
                    closeQuietly(client);
                    continue;
                }
                try {
                    Socket upstream = new Socket(HOST, upstreamPort);
                    relayed.add(client);
                    relayed.add(upstream);
                    clients.add(client);
                    mostAtOnce.accumulateAndGet(clients.size(), Math::max);
                    Duration delay = greetingDelay;
                    threads.execute(() -> pump(client, upstream));
                    threads.execute(() -> {
                        pause(delay);
                        pump(upstream, client);
                    });
                } catch (IOException e) {
                    closeQuietly(client);
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side hung up or the gate cut the connection
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            relayed.remove(from);
            relayed.remove(to);
            clients.remove(from);
            clients.remove(to);
        }
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        refuse();
        threads.shutdownNow();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
