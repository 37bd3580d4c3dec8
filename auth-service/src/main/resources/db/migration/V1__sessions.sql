-- auth-service owns proof of identity: refresh tokens, grouped in sessions (rotation families).
-- Only the SHA-256 of a refresh token is stored.
create table refresh_tokens (
    id          uuid        primary key,
    token_hash  text        not null unique,
    user_id     uuid        not null,
    session_id  uuid        not null,
    parent_id   uuid,
    revoked     boolean     not null default false,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);
create index refresh_tokens_by_user on refresh_tokens (user_id);
create index refresh_tokens_by_session on refresh_tokens (session_id);

-- Transactional outbox, published by the platform's OutboxRelay.
create table outbox (
    seq          bigserial   not null,
    id           uuid        primary key,
    topic        text        not null,
    msg_key      text        not null,
    payload      text        not null,
    content_type text        not null,
    created_at   timestamptz not null
);
create index outbox_by_seq on outbox (seq);
