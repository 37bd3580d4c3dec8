package dev.tessera.hook.delivery;

/** What a hook target answered to one attempt. */
public record Answer(int status, byte[] body) {

    /** GoTrue's success statuses: 200, 202 and 204; every other status blocks the action. */
    public boolean success() {
        return status == 200 || status == 202 || status == 204;
    }

    public boolean hasBody() {
        return body != null && body.length > 0;
    }
}
