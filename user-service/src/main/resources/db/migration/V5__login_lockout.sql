-- Password-guessing lockout, one row per (audience, address) that a password grant named, known or not; the key is
-- the SHA-256 of both, so the table holds no addresses. A row records the attempts under way (pending, valid until
-- pending_until), the failures of the current streak, the lockouts in a row and the lock in force.
create table login_attempts (
    key             bytea       primary key,
    pending         integer     not null default 0,
    pending_until   timestamptz,
    failures        integer     not null default 0,
    lockouts        integer     not null default 0,
    locked_until    timestamptz,
    last_attempt_at timestamptz not null
);
create index login_attempts_by_age on login_attempts (last_attempt_at);
