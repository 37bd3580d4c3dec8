-- Rate limits move to the platform's RateLimiter (GCRA): one row per allowance (a limit's name and the hash of whose
-- it is), holding the time at which that allowance is whole again. Unlogged: a commit writes no WAL while it holds
-- a hot row, and a crash only forgets the counts. The fixed-window counts of V2 are not carried over.
drop table rate_limits;
create unlogged table rate_limits (
    key text        primary key,
    tat timestamptz not null
);
