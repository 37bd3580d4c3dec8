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
-- Wakes the relays when rows commit (platform's OutboxListener LISTENs on "<schema>.outbox"): PostgreSQL delivers a
-- notification only once its transaction commits, and folds the identical ones of a transaction into one, so a
-- statement-level trigger costs one small notification per writing transaction. Polling stays as the safety net.
-- The trigger is dropped and created again (not "create or replace", which needs PostgreSQL 14) inside Flyway's
-- transaction, so writers never see the table without it.
create or replace function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify(tg_table_schema || '.outbox', '');
    return null;
end
$$;
drop trigger if exists outbox_committed on outbox;
create trigger outbox_committed after insert on outbox for each statement execute function outbox_notify();
