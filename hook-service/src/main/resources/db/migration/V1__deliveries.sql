-- Background hook deliveries: one row per (event, target), so a redelivered event is recognised and not sent twice,
-- and every attempt, so an operator can see what happened. Dead-lettered rows keep the event for a replay.
create table delivery (
    id              uuid primary key,
    event_id        text not null,
    event_type      text not null,
    hook_event      text not null,
    target          text not null,
    url             text not null,
    user_id         text,
    status          text not null check (status in ('pending', 'delivered', 'dead_lettered')),
    attempts        integer not null default 0,
    last_status     integer,
    last_error      text,
    envelope        text not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    finished_at     timestamptz,
    constraint delivery_event_target unique (event_id, target)
);

create index delivery_status_updated on delivery (status, updated_at);

create table delivery_attempt (
    delivery_id     uuid not null references delivery (id) on delete cascade,
    attempt         integer not null,
    started_at      timestamptz not null,
    duration_ms     bigint not null,
    http_status     integer,
    error           text,
    primary key (delivery_id, attempt)
);
