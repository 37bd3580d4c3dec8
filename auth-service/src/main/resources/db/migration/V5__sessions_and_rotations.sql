-- Sessions become rows: one per sign-in, with the user's session epoch at that moment (user-service raises the
-- epoch to end a user's sessions). A refresh token counts only while its session row exists; ending a session
-- deletes the row with its tokens and their rotations. Sessions are found by user (logout) and by age (timebox sweep).
create table sessions (
    id          uuid        primary key,
    user_id     uuid        not null,
    epoch       bigint      not null,
    created_at  timestamptz not null
);
create index sessions_by_user on sessions (user_id);
create index sessions_by_created_at on sessions (created_at);

-- Every session that has a token today, started (as far as anyone can tell) when its oldest token was issued.
insert into sessions (id, user_id, epoch, created_at)
select distinct on (session_id) session_id, user_id, 0, created_at
from refresh_tokens order by session_id, created_at;

-- A rotation leaves the rotated-out token's row in place and records here when it happened and its successor,
-- sealed (AES-256-GCM) under a key derived from the rotated-out token, which the database does not hold. The key is
-- the rotation's lock too: of two concurrent rotations of one token, one inserts. Rows go with their session, or
-- TESSERA_SESSIONS_ROTATED_RETENTION after the rotation (found by rotated_at).
create table refresh_token_rotations (
    token_id          uuid        primary key,
    successor_id      uuid        not null,
    sealed_successor  bytea       not null,
    rotated_at        timestamptz not null
);
create index refresh_token_rotations_by_rotated_at on refresh_token_rotations (rotated_at);

-- During a rolling update, replicas of the previous version go on starting sessions by inserting a token alone.
-- This gives such a token its session (epoch 0, the oldest). They write updated_at and this version does not, which
-- keeps the trigger off this version's path; a later migration drops it.
alter table refresh_tokens alter column updated_at drop not null;

create function session_for_previous_version() returns trigger
    language plpgsql set search_path from current as $$
begin
    insert into sessions (id, user_id, epoch, created_at)
    values (new.session_id, new.user_id, 0, new.created_at)
    on conflict (id) do nothing;
    return new;
end
$$;

create trigger refresh_tokens_session_for_previous_version before insert on refresh_tokens
    for each row when (new.updated_at is not null) execute function session_for_previous_version();
