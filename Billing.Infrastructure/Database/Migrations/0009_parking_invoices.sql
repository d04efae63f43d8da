-- Shared parking, third part: monthly invoices (账单) to the businesses that lease spaces, their
-- lines and the payments recorded against them. One invoice per business, community and month;
-- issued invoices, their lines and payments are never edited.

-- A lease on a window the holder chose (other weekdays or hours) is priced by the hour.
alter table parking_lease drop constraint parking_lease_kind_check;
alter table parking_lease add constraint parking_lease_kind_check check (kind in ('monthly', 'one-off', 'recurring'));

create table business_invoice (
    id              bigint generated always as identity primary key,
    invoice_no      text not null unique,
    business_id     bigint not null references business (id),
    -- As issued: a business renamed later keeps its old name on this invoice.
    business_name   text not null,
    credit_code     text not null,
    community_code  text not null references community (code),
    period          date not null check (extract(day from period) = 1),
    issue_date      date not null,
    due_date        date not null,
    total           numeric(12, 2) not null check (total >= 0),
    pdf             bytea not null,
    pdf_sha256      text not null,
    created_at      timestamptz not null default now(),
    constraint business_invoice_once_per_month unique (business_id, community_code, period)
);

create index business_invoice_by_community_period on business_invoice (community_code, period);

create table business_invoice_line (
    invoice_id      bigint not null references business_invoice (id),
    line_no         integer not null check (line_no > 0),
    lease_id        bigint not null references parking_lease (id),
    space_number    text not null,
    price_basis     text not null check (price_basis in ('hourly', 'monthly')),
    slots           integer not null check (slots > 0),
    hours           numeric not null check (hours > 0),
    rate            numeric(12, 2) not null check (rate >= 0),
    amount          numeric(12, 2) not null check (amount >= 0),
    formula         text not null,
    rate_version    text not null,
    primary key (invoice_id, line_no),
    unique (invoice_id, lease_id)
);

-- A business payment is unique by its channel reference, like a household payment: recording the
-- same transfer again must not credit twice.
create table business_payment (
    id              bigint generated always as identity primary key,
    invoice_id      bigint not null references business_invoice (id),
    channel         text not null check (channel in ('cash', 'wechat', 'alipay', 'bank')),
    reference       text not null check (length(reference) > 0),
    amount          numeric(12, 2) not null check (amount > 0),
    paid_on         date not null,
    recorded_by     text not null,
    recorded_at     timestamptz not null default now(),
    constraint business_payment_reference_once_per_channel unique (channel, reference)
);

create index business_payment_by_invoice on business_payment (invoice_id);

create trigger business_invoice_is_immutable before update or delete on business_invoice
    for each row execute function refuse_statement_change();
create trigger business_invoice_line_is_immutable before update or delete on business_invoice_line
    for each row execute function refuse_statement_change();
create trigger business_payment_is_immutable before update or delete on business_payment
    for each row execute function refuse_statement_change();
