-- Online payments: residents pay their amount due through WeChat Pay or Alipay. A payment order is
-- what we asked the channel to collect (for one household, the amount due when it was created);
-- the money itself is recorded in the same payment / ledger_entry tables as the counter's, with
-- the channel's transaction id as the reference, so the unique (channel, reference) key makes every
-- repeated or concurrent notification record the payment once. Everything here is append-only:
-- an order's state is derived from the rows that follow it, never updated.

create table payment_order (
    order_no        text primary key check (order_no ~ '^[A-Za-z0-9_-]{6,32}$'),
    household_code  text not null references household (code),
    channel         text not null check (channel in ('wechat', 'alipay')),
    -- native / jsapi (WeChat), precreate / page (Alipay): how the resident was asked to pay.
    mode            text not null check (mode in ('native', 'jsapi', 'precreate', 'page')),
    amount          numeric(12, 2) not null check (amount > 0),
    created_at      timestamptz not null default now()
);

create index payment_order_by_household on payment_order (household_code, created_at);

-- The order was paid: the channel's transaction and the payment it became. One per order and one
-- per transaction, whatever arrives first (the notification, a second copy, or our query).
create table payment_order_settlement (
    order_no        text primary key references payment_order (order_no),
    transaction_id  text not null,
    payment_id      bigint not null unique references payment (id),
    settled_by      text not null check (settled_by in ('notification', 'query')),
    created_at      timestamptz not null default now()
);

-- A refund asked of the channel for a paid order; the payment's reversal is recorded when the
-- channel accepts it.
create table payment_order_refund (
    order_no        text primary key references payment_order_settlement (order_no),
    refund_no       text not null unique,
    channel_refund_id text,
    amount          numeric(12, 2) not null check (amount > 0),
    reason          text not null check (length(reason) > 0),
    requested_by    text not null,
    created_at      timestamptz not null default now()
);

-- Notifications and query answers we refused (bad signature, stale, unknown order, amount not the
-- order's): kept so finance staff can see every attempt, including a tampered amount.
create table payment_notification_rejection (
    id              bigint generated always as identity primary key,
    channel         text not null,
    order_no        text,
    transaction_id  text,
    reason          text not null,
    detail          text not null,
    received_at     timestamptz not null default now()
);

-- A resident proving they live there before money or personal data is shown: failures count
-- towards a lock, a success clears the count.
create table resident_check_attempt (
    id              bigint generated always as identity primary key,
    household_code  text not null references household (code),
    succeeded       boolean not null,
    client          text not null,
    attempted_at    timestamptz not null default now()
);

create index resident_check_attempt_by_household on resident_check_attempt (household_code, attempted_at);

create trigger payment_order_is_immutable before update or delete on payment_order
    for each row execute function refuse_statement_change();
create trigger payment_order_settlement_is_immutable before update or delete on payment_order_settlement
    for each row execute function refuse_statement_change();
create trigger payment_order_refund_is_immutable before update or delete on payment_order_refund
    for each row execute function refuse_statement_change();
