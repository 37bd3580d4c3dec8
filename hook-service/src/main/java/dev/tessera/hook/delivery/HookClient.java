package dev.tessera.hook.delivery;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.hook.targets.HookTarget;
import dev.tessera.hook.targets.TargetAddresses;
import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Makes one attempt at a hook target: POST the message, wait at most the timeout for the whole answer (connecting
 * included, like Go's {@code http.Client.Timeout}), and classify what went wrong the way GoTrue does. Non-blocking:
 * only the DNS lookup of the private-address check runs on a worker thread.
 */
@ApplicationScoped
public class HookClient {

    /** Larger answers are not a metadata replacement anyone meant; the attempt counts as broken. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final HttpClient http;
    private final TargetAddresses addresses;
    private final HookSigner signer;

    public HookClient(Vertx vertx, TargetAddresses addresses, HookSigner signer) {
        this.vertx = vertx;
        this.addresses = addresses;
        this.signer = signer;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setMaxPoolSize(32)
                .setVerifyHost(true)
                .setForceSni(true));
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** One attempt; fails with {@link CallFailure} when there is no answer. */
    public Uni<Answer> post(HookTarget target, HookMessage message, Duration timeout) {
        return addresses.pin(target.url())
                .chain(pinned -> send(target, message, timeout, pinned));
    }

    private Uni<Answer> send(HookTarget target, HookMessage message, Duration timeout, Optional<InetAddress> pinned) {
        return Uni.createFrom().emitter(emitter -> {
            URI url = target.url();
            boolean tls = "https".equalsIgnoreCase(url.getScheme());
            int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
            String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setHost(url.getHost())
                    .setPort(port)
                    .setSsl(tls)
                    .setURI(path)
                    .setConnectTimeout(timeout.toMillis())
                    .setFollowRedirects(false);
            pinned.ifPresent(address -> options.setServer(SocketAddress.inetSocketAddress(port,
                    address.getHostAddress())));
            Map<String, String> headers = signer.headers(target, message, Instant.now());
            headers.forEach(options::putHeader);
            if (url.getRawUserInfo() != null) {
                options.putHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        url.getUserInfo().getBytes(StandardCharsets.UTF_8)));
            }

            Promise<Answer> outcome = Promise.promise();
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            long timer = vertx.setTimer(timeout.toMillis(), id -> {
                if (outcome.tryFail(timedOut(target, timeout))) {
                    HttpClientRequest request = inFlight.get();
                    if (request != null) {
                        request.reset();
                    }
                }
            });
            http.request(options).onComplete(connected -> {
                if (connected.failed()) {
                    outcome.tryFail(connectFailure(target, timeout, connected.cause()));
                    return;
                }
                HttpClientRequest request = connected.result();
                inFlight.set(request);
                if (outcome.future().isComplete()) {
                    request.reset();
                    return;
                }
                request.send(Buffer.buffer(message.body())).onComplete(sent -> {
                    if (sent.failed()) {
                        outcome.tryFail(afterConnect(target, timeout, sent.cause()));
                        return;
                    }
                    var response = sent.result();
                    Buffer body = Buffer.buffer();
                    response.handler(chunk -> {
                        if (body.length() + chunk.length() > MAX_ANSWER_BYTES) {
                            outcome.tryFail(CallFailure.broken(target.name() + " answered more than "
                                    + MAX_ANSWER_BYTES + " bytes", null));
                            request.reset();
                            return;
                        }
                        body.appendBuffer(chunk);
                    });
                    response.exceptionHandler(e -> outcome.tryFail(afterConnect(target, timeout, e)));
                    response.endHandler(ended -> outcome.tryComplete(new Answer(response.statusCode(),
                            body.getBytes())));
                });
            });
            outcome.future().onComplete(done -> {
                vertx.cancelTimer(timer);
                if (done.succeeded()) {
                    emitter.complete(done.result());
                } else {
                    emitter.fail(done.cause());
                }
            });
        });
    }

    private static CallFailure timedOut(HookTarget target, Duration timeout) {
        return CallFailure.timedOut(target.name() + " gave no answer within " + timeout.toMillis() + " ms");
    }

    private static CallFailure connectFailure(HookTarget target, Duration timeout, Throwable cause) {
        if (cause instanceof CallFailure failure) {
            return failure;
        }
        if (cause instanceof ConnectTimeoutException || cause instanceof TimeoutException) {
            return timedOut(target, timeout);
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof UnresolvedAddressException) {
            return CallFailure.notConnected("cannot connect to " + target + ": " + cause.getMessage(), cause);
        }
        // A TLS handshake failure and the like: the connection was not usable, so it was never made.
        return CallFailure.notConnected("cannot connect to " + target + ": " + cause, cause);
    }

    private static CallFailure afterConnect(HookTarget target, Duration timeout, Throwable cause) {
        if (cause instanceof TimeoutException) {
            return timedOut(target, timeout);
        }
        return CallFailure.broken("the connection to " + target + " failed: " + cause, cause);
    }
}
