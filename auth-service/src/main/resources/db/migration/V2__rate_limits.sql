-- Request counts per rate-limit key (the value of GOTRUE_RATE_LIMIT_HEADER) in fixed windows, shared by every
-- replica so the limit holds however requests are balanced.
create table rate_limits (
    key          text        primary key,
    window_start timestamptz not null,
    hits         integer     not null
);
