package dev.tessera.suite.mail;

import java.util.List;
import java.util.concurrent.Callable;

import dev.tessera.suite.http.HttpListeners;
import dev.tessera.suite.http.JsonErrors;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;

/**
 * The inbox over HTTP: {@code GET /} is a page a person reads (newest first, links clickable), {@code GET
 * /api/messages[?to=address]} the same as JSON, {@code DELETE /api/messages} empties it.
 */
public final class InboxServer implements AutoCloseable {

    public static final String MESSAGES_PATH = "/api/messages";

    private final Vertx vertx;
    private final MailInbox inbox;
    private HttpListeners listeners;

    private InboxServer(Vertx vertx, MailInbox inbox) {
        this.vertx = vertx;
        this.inbox = inbox;
    }

    /** Serves {@code inbox} on every address of {@code host} at {@code port} (0 for a free one). */
    public static InboxServer start(Vertx vertx, MailInbox inbox, String host, int port) {
        InboxServer server = new InboxServer(vertx, inbox);
        server.listeners = HttpListeners.listen(vertx, new HttpServerOptions(), host, port, server::handle);
        return server;
    }

    public int port() {
        return listeners.port();
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        HttpMethod method = request.method();
        if (path.equals("/") && method == HttpMethod.GET) {
            answer(request, "text/html; charset=utf-8", () -> InboxPage.render(inbox.messages(null)));
        } else if (path.equals(MESSAGES_PATH) && method == HttpMethod.GET) {
            String to = request.getParam("to");
            answer(request, "application/json", () -> {
                List<InboxMessage> messages = inbox.messages(to == null || to.isBlank() ? null : to);
                return new JsonArray(messages.stream().map(InboxMessage::toJson).toList()).encode();
            });
        } else if (path.equals(MESSAGES_PATH) && method == HttpMethod.DELETE) {
            vertx.executeBlocking(() -> {
                inbox.clear();
                return null;
            }).onComplete(done -> {
                if (done.failed()) {
                    JsonErrors.send(request.response(), 500, "Could not empty the inbox");
                } else {
                    request.response().setStatusCode(204).end();
                }
            });
        } else if (path.equals("/") || path.equals(MESSAGES_PATH)) {
            JsonErrors.send(request.response(), 405, "Method Not Allowed");
        } else {
            JsonErrors.send(request.response(), 404, "Not Found");
        }
    }

    /** Reading and parsing the mails happens on a worker thread, never on the event loop. */
    private void answer(HttpServerRequest request, String contentType, Callable<String> body) {
        vertx.executeBlocking(body).onComplete(done -> {
            if (done.failed()) {
                JsonErrors.send(request.response(), 500, "Could not read the inbox: " + done.cause().getMessage());
            } else {
                request.response().putHeader("content-type", contentType).putHeader("cache-control", "no-store")
                        .end(done.result());
            }
        });
    }

    @Override
    public void close() {
        if (listeners != null) {
            listeners.close();
        }
    }
}
