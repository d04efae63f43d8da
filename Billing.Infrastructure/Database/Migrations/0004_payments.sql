-- Payments and the household ledger. Every balance is derived from ledger entries, which are
-- only ever added: a charge when a statement is issued, a payment when one is recorded, a
-- reversal when a payment is taken back. Nothing is edited or deleted.

create table payment (
    id              bigint generated always as identity primary key,
    household_code  text not null references household (code),
    channel         text not null check (channel in ('cash', 'wechat', 'alipay', 'bank')),
    reference       text not null check (length(reference) > 0),
    amount          numeric(12, 2) not null check (amount > 0),
    paid_on         date not null,
    source          text not null,
    recorded_at     timestamptz not null default now(),
    -- The same payment recorded twice (a re-imported channel export) must not credit twice.
    constraint payment_reference_once_per_channel unique (channel, reference)
);

create index payment_by_household on payment (household_code);

create table payment_reversal (
    payment_id      bigint primary key references payment (id),
    reason          text not null check (length(reason) > 0),
    reversed_on     date not null,
    created_at      timestamptz not null default now()
);

create table ledger_entry (
    id              bigint generated always as identity primary key,
    household_code  text not null references household (code),
    entry_date      date not null,
    kind            text not null check (kind in ('charge', 'payment', 'reversal')),
    amount          numeric(12, 2) not null,
    statement_id    bigint unique references statement (id),
    payment_id      bigint references payment (id),
    description     text not null,
    created_at      timestamptz not null default now(),
    check ((kind = 'charge') = (statement_id is not null)),
    check ((kind <> 'charge') = (payment_id is not null)),
    check ((kind = 'charge' and amount >= 0) or (kind = 'payment' and amount < 0) or (kind = 'reversal' and amount > 0)),
    unique (payment_id, kind)
);

create index ledger_entry_by_household on ledger_entry (household_code);

create trigger payment_is_immutable before update or delete on payment
    for each row execute function refuse_statement_change();
create trigger payment_reversal_is_immutable before update or delete on payment_reversal
    for each row execute function refuse_statement_change();
create trigger ledger_entry_is_immutable before update or delete on ledger_entry
    for each row execute function refuse_statement_change();

-- Statements issued before the ledger existed become its first charges.
insert into ledger_entry (household_code, entry_date, kind, amount, statement_id, description)
select household_code, issue_date, 'charge', total, id, '对账单 ' || statement_no from statement order by id;
