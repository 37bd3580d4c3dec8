package dev.tessera.suite.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tessera.suite.service.SuiteService;
import io.vertx.core.net.SocketAddress;

/**
 * Which replicas of each service take new requests, shared by the gateway and the internal balancers as a Kubernetes
 * Service's endpoints are shared by the ingress and kube-proxy. A replica taken {@link #out} of rotation gets no new
 * request from either; those already sent to it are counted ({@link Replica#inFlight}) so that whoever stops it can
 * wait for them to be answered first ({@link #awaitIdle}). Every replica starts in rotation: the launcher opens the
 * gateway only once the whole fleet is ready.
 */
public final class Endpoints {

    private static final String UPSTREAM_HOST = "127.0.0.1";

    /** One replica of a service: where it listens, what it is called in logs and headers, and whether it serves. */
    public static final class Replica {
        private final String name;
        private final SocketAddress address;
        private final AtomicBoolean inRotation = new AtomicBoolean(true);
        private final AtomicInteger inFlight = new AtomicInteger();

        Replica(String name, int port) {
            this.name = name;
            this.address = SocketAddress.inetSocketAddress(port, UPSTREAM_HOST);
        }

        public String name() {
            return name;
        }

        SocketAddress address() {
            return address;
        }

        public boolean inRotation() {
            return inRotation.get();
        }

        /** Requests sent to this replica and not yet answered. */
        public int inFlight() {
            return inFlight.get();
        }

        /**
         * Counts a request as sent here, unless the replica is out of rotation. Counting before looking means a
         * concurrent {@link Endpoints#out} either stops this request or sees it in {@link #inFlight}: never neither.
         */
        boolean tryEnter() {
            inFlight.incrementAndGet();
            if (inRotation.get()) {
                return true;
            }
            inFlight.decrementAndGet();
            return false;
        }

        /** Counts a request as sent here whatever the rotation says (the fallback when no replica is in rotation). */
        void enter() {
            inFlight.incrementAndGet();
        }

        void leave() {
            inFlight.decrementAndGet();
        }
    }

    private final Map<SuiteService, List<Replica>> replicas = new EnumMap<>(SuiteService.class);

    private Endpoints(Map<SuiteService, List<Integer>> replicaPorts) {
        replicaPorts.forEach((service, ports) -> {
            List<Replica> list = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                list.add(new Replica(service.replicaName(i, ports.size()), ports.get(i)));
            }
            if (!list.isEmpty()) {
                replicas.put(service, List.copyOf(list));
            }
        });
    }

    /** Every replica of every service, in rotation. */
    public static Endpoints of(Map<SuiteService, List<Integer>> replicaPorts) {
        return new Endpoints(replicaPorts);
    }

    /** The replicas of one service (empty for a service that does not run), in replica order. */
    public List<Replica> replicas(SuiteService service) {
        return replicas.getOrDefault(service, List.of());
    }

    /** The services that have replicas. */
    public Map<SuiteService, List<Replica>> all() {
        return replicas;
    }

    /** Sends no new request to replica {@code index} of {@code service}. */
    public void out(SuiteService service, int index) {
        replicas(service).get(index).inRotation.set(false);
    }

    /** Sends requests to replica {@code index} of {@code service} again. */
    public void in(SuiteService service, int index) {
        replicas(service).get(index).inRotation.set(true);
    }

    /**
     * Waits until replica {@code index} of {@code service} has answered every request sent to it, at most
     * {@code ceiling}; answers whether it has.
     */
    public boolean awaitIdle(SuiteService service, int index, Duration ceiling) {
        Replica replica = replicas(service).get(index);
        long deadline = System.nanoTime() + ceiling.toNanos();
        while (replica.inFlight() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
