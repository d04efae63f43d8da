-- Shared parking, second part: resident permits, what each lease pays, and the monthly pool.

create table parking_permit (
    id              bigint generated always as identity primary key,
    space_id        bigint not null references parking_space (id),
    household_code  text not null references household (code),
    valid_from      date not null,
    valid_to        date,
    check (valid_to is null or valid_to >= valid_from),
    -- A space has one resident holder at a time.
    constraint parking_permit_one_holder exclude using gist (space_id with =, daterange(valid_from, valid_to, '[]') with &&)
);

-- The price is fixed when the lease is made, with the version it came from.
alter table parking_lease
    add column price_basis text not null default 'hourly' check (price_basis in ('hourly', 'monthly')),
    add column rate numeric(12, 2) not null default 0 check (rate >= 0),
    add column rate_version text not null default '';

-- 共享停车收益池 per community and month: what came in, what the permits used, what is carried.
create table parking_pool (
    community_code  text not null references community (code),
    period          date not null check (extract(day from period) = 1),
    lease_income    numeric(12, 2) not null check (lease_income >= 0),
    carry_in        numeric(12, 2) not null check (carry_in >= 0),
    used            numeric(12, 2) not null check (used >= 0),
    carry_out       numeric(12, 2) not null check (carry_out >= 0),
    rate_version    text not null,
    primary key (community_code, period),
    check (lease_income + carry_in = used + carry_out)
);

create trigger parking_pool_is_history before update or delete on parking_pool
    for each row execute function refuse_statement_change();
