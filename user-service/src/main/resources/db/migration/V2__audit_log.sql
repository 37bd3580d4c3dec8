-- The audit log is a projection of the public event stream; the entry id is the event id, so a redelivered event
-- is recorded once.
create table audit_log_entries (
    id          uuid        primary key,
    instance_id uuid        not null default '00000000-0000-0000-0000-000000000000',
    payload     jsonb       not null,
    created_at  timestamptz not null
);
create index audit_log_entries_newest_first on audit_log_entries (created_at desc, id);
