-- Ending a user's sessions: auth-service refreshes a session only while the epoch it started under is not older
-- than session_epoch, or it is kept_session_id (the session that changed the password). user-service raises the
-- epoch in the transaction of a password change, a recovery, a confirmation, an admin password reset or a ban.
alter table users add column session_epoch bigint not null default 0;
alter table users add column kept_session_id uuid;
-- supabase's ban: no sign-in of any kind until this time passes.
alter table users add column banned_until timestamptz;
