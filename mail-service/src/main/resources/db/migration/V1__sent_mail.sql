-- mail-service owns one table: what became of every mail request it consumed, keyed by the request id. A request
-- whose row says SENT or SKIPPED is done, so a redelivered request (Kafka is at-least-once) is not mailed twice.
-- FAILED rows do not block: an operator may replay a dead-lettered request once the cause is fixed.
-- No token is ever stored here; the mail itself is not stored either.
create table sent_mail (
    request_id       uuid        primary key,
    kind             text        not null,
    user_id          uuid,
    recipient        text        not null,
    status           text        not null check (status in ('SENT', 'SKIPPED', 'FAILED')),
    -- the Message-ID header of the mail, derived from the request id; null when skipped
    message_id       text,
    -- SMTP attempts over all deliveries of this request (0 when skipped)
    attempts         integer     not null default 0,
    -- why the last delivery failed; null once sent
    last_error       text,
    requested_at     timestamptz,
    -- when the SMTP server accepted the mail (or when it was skipped)
    sent_at          timestamptz,
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);

-- "what did we send this user lately" for support, and the retention sweep
create index sent_mail_by_user on sent_mail (user_id, created_at);
create index sent_mail_by_age on sent_mail (updated_at);
