-- Sessions ended one at a time (a local logout, a refresh token presented again after its reuse interval) since the
-- session epoch last rose: a JSON object from each session's id to the order it was ended in, at most 64 (the
-- newest). user-service refuses their access tokens on /user and the admin API; raising the epoch ends every older
-- session anyway and empties it.
alter table users add column ended_sessions jsonb;
