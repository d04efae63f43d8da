-- Shared parking, fourth part: business payments can be taken back (a bounced transfer, a payment
-- recorded against the wrong invoice), and a payment above what is open is kept as the business's
-- credit in that community and taken off its next invoice when that is issued. Like the household
-- ledger, nothing here is edited or deleted: balances are derived from the rows.

-- One reversal per payment (the key): recording it again with the same details changes nothing.
create table business_payment_reversal (
    payment_id      bigint primary key references business_payment (id),
    reason          text not null check (length(reason) > 0),
    reversed_on     date not null,
    recorded_by     text not null,
    created_at      timestamptz not null default now()
);

-- Credit from a payment's surplus taken off a later invoice, written in the transaction that issues
-- that invoice, so issuing again (which keeps the invoice) cannot apply it twice. business_invoice.total
-- stays the lease charges, which is what the residents' pool counts; the invoice asks for total less
-- these rows.
create table business_credit_application (
    payment_id      bigint not null references business_payment (id),
    invoice_id      bigint not null references business_invoice (id),
    amount          numeric(12, 2) not null check (amount > 0),
    created_at      timestamptz not null default now(),
    primary key (payment_id, invoice_id)
);

create index business_credit_application_by_invoice on business_credit_application (invoice_id);

create trigger business_payment_reversal_is_immutable before update or delete on business_payment_reversal
    for each row execute function refuse_statement_change();
create trigger business_credit_application_is_immutable before update or delete on business_credit_application
    for each row execute function refuse_statement_change();
