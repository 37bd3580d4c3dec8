-- The transactional outbox of every service that publishes (platform's Outbox, OutboxRow and OutboxRelay), defined
-- once for all of them: a service lists db/outbox beside db/migration in quarkus.flyway.locations.
--
-- Repeatable, so it runs after the service's versioned migrations and again whenever this file changes, and
-- therefore written to run on a database at any earlier state: a change to the table is added here as a statement
-- that does nothing where it was already made. auth-service's and user-service's V1 created this table before this
-- file existed and still do (every existing database applied them, and Flyway refuses to start a service whose
-- applied migration no longer matches its checksum), so there the create below finds the table and does nothing.
create table if not exists outbox (
    seq          bigserial   not null,
    id           uuid        primary key,
    topic        text        not null,
    msg_key      text        not null,
    payload      text        not null,
    content_type text        not null,
    created_at   timestamptz not null
);
create index if not exists outbox_by_seq on outbox (seq);
-- The W3C trace context (traceparent) of the request that wrote the row: the relay puts the record it publishes into
-- that trace, so a signup's mail is part of the signup's trace. Nullable and without a default, so adding it only
-- changes the catalogue, and a replica of the previous release, which names its columns, goes on inserting rows.
alter table outbox add column if not exists traceparent text;
