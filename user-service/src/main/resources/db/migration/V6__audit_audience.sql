-- The audit log filtered by audience for audience admins: the audience of the user an entry is about. Entries of
-- users deleted before this migration keep no audience and are shown to global admins only.
alter table audit_log_entries add column aud text;
update audit_log_entries e set aud = u.aud from users u
    where u.id::text = coalesce(e.payload->'traits'->>'user_id', e.payload->>'actor_id');
create index audit_log_entries_by_audience on audit_log_entries (aud, created_at desc, id);
