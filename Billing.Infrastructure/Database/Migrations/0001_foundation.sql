-- Foundation: the household register, billing runs and issued statements.

create table community (
    code            text primary key,
    name            text not null,
    operator_name   text not null,
    city            text not null,
    district        text not null,
    rate_book       text not null,
    service_level   text not null,
    billing_start   date not null,
    updated_at      timestamptz not null default now()
);

create table household (
    code            text primary key,
    community_code  text not null references community (code),
    building        text not null,
    unit            text not null,
    room            text not null,
    building_area   numeric(10, 2) not null check (building_area > 0),
    owner_name      text not null,
    phone           text,
    updated_at      timestamptz not null default now()
);

create index household_by_community on household (community_code);

create table billing_run (
    id              bigint generated always as identity primary key,
    period          date not null check (extract(day from period) = 1),
    started_at      timestamptz not null default now(),
    finished_at     timestamptz,
    statements_new  integer,
    statements_existing integer,
    problems        text
);

-- One statement per household per period: the database, not the job scheduler, guarantees
-- that a rerun or a concurrent run never bills a household twice.
create table statement (
    id              bigint generated always as identity primary key,
    statement_no    text not null unique,
    household_code  text not null references household (code),
    community_code  text not null references community (code),
    period          date not null check (extract(day from period) = 1),
    run_id          bigint references billing_run (id),
    issue_date      date not null,
    due_date        date not null,
    total           numeric(12, 2) not null check (total >= 0),
    pdf             bytea not null,
    pdf_sha256      text not null,
    created_at      timestamptz not null default now(),
    constraint statement_once_per_household_and_period unique (household_code, period)
);

create index statement_by_community_period on statement (community_code, period);

create table statement_line (
    statement_id    bigint not null references statement (id),
    line_no         integer not null check (line_no > 0),
    kind            text not null,
    label           text not null,
    formula         text not null,
    rate_version    text not null,
    amount          numeric(12, 2) not null,
    area            numeric(10, 2),
    unit_price      numeric(12, 4),
    days            integer,
    days_in_month   integer,
    rounding        text,
    primary key (statement_id, line_no)
);

-- Issued statements are never edited: a correction is a new line in a later period.
create function refuse_statement_change() returns trigger language plpgsql as $$
begin
    raise exception 'issued statements are never edited (% on %); record a correction in a later period instead', tg_op, tg_table_name
        using errcode = 'P0001';
end;
$$;

create trigger statement_is_immutable before update or delete on statement
    for each row execute function refuse_statement_change();

create trigger statement_line_is_immutable before update or delete on statement_line
    for each row execute function refuse_statement_change();
