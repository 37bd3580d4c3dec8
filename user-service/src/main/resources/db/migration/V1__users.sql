-- user-service owns who a user is. One-time tokens are stored only as SHA-256 hashes.
create table users (
    id                       uuid        primary key,
    instance_id              uuid        not null default '00000000-0000-0000-0000-000000000000',
    aud                      text        not null default '',
    role                     text        not null default '',
    email                    text        not null,
    encrypted_password       text,
    confirmed_at             timestamptz,
    invited_at               timestamptz,
    confirmation_token_hash  text,
    confirmation_sent_at     timestamptz,
    recovery_token_hash      text,
    recovery_sent_at         timestamptz,
    email_change_token_hash  text,
    email_change             text,
    email_change_sent_at     timestamptz,
    last_sign_in_at          timestamptz,
    app_metadata             jsonb       not null default '{}'::jsonb,
    user_metadata            jsonb,
    is_super_admin           boolean     not null default false,
    created_at               timestamptz not null,
    updated_at               timestamptz not null
);

-- GoTrue enforced uniqueness only in code; here two replicas racing on one signup cannot both win.
create unique index users_email_per_audience on users (instance_id, aud, lower(email));
create unique index users_confirmation_token on users (confirmation_token_hash) where confirmation_token_hash is not null;
create unique index users_recovery_token on users (recovery_token_hash) where recovery_token_hash is not null;
create unique index users_email_change_token on users (email_change_token_hash) where email_change_token_hash is not null;

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
