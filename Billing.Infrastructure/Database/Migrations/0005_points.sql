-- Volunteer points (志愿积分): an append-only ledger of earnings, redemptions and expiries, with
-- every used point traced to the earning it came from. The account row holds the balance only so
-- that PostgreSQL can refuse, under concurrency, a redemption the balance cannot cover.

create table points_account (
    household_code  text primary key references household (code),
    balance         integer not null default 0 check (balance >= 0)
);

create table points_entry (
    id              bigint generated always as identity primary key,
    household_code  text not null references household (code),
    kind            text not null check (kind in ('earn', 'redeem', 'expire')),
    points          integer not null check (points > 0),
    entry_date      date not null,
    catalogue       text not null,
    service_code    text,
    confirmed_by    text,
    expires_on      date,
    reward_code     text,
    credit          numeric(12, 2),
    credit_kind     text check (credit_kind in ('fee', 'parking')),
    note            text,
    created_at      timestamptz not null default now(),
    check ((kind = 'earn') = (service_code is not null and confirmed_by is not null)),
    check ((kind = 'redeem') = (reward_code is not null))
);

create index points_entry_by_household on points_entry (household_code);

create table points_use (
    earn_id         bigint not null references points_entry (id),
    used_by         bigint not null references points_entry (id),
    points          integer not null check (points > 0),
    primary key (earn_id, used_by)
);

-- Numbered vouchers (parking coupons, errand services), each used once.
create table points_voucher (
    voucher_no      text primary key,
    redemption_id   bigint not null references points_entry (id),
    household_code  text not null references household (code),
    reward_code     text not null
);

create table points_voucher_use (
    voucher_no      text primary key references points_voucher (voucher_no),
    used_by         text not null,
    used_at         timestamptz not null default now()
);

-- Where a fee credit bought with points was used: a statement line.
create table points_credit_application (
    redemption_id   bigint not null references points_entry (id),
    statement_id    bigint not null,
    line_no         integer not null,
    amount          numeric(12, 2) not null check (amount > 0),
    primary key (redemption_id, statement_id),
    foreign key (statement_id, line_no) references statement_line (statement_id, line_no)
);

create trigger points_entry_is_history before update or delete on points_entry
    for each row execute function refuse_register_history_change();
create trigger points_use_is_history before update or delete on points_use
    for each row execute function refuse_register_history_change();
create trigger points_voucher_use_is_history before update or delete on points_voucher_use
    for each row execute function refuse_register_history_change();
create trigger points_credit_application_is_history before update or delete on points_credit_application
    for each row execute function refuse_register_history_change();
