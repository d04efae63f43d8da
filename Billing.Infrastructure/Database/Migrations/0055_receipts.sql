-- Receipts are issued once. Until now a receipt was drawn afresh on every request from the ledger
-- as it stands, so printing it after the next statement or payment gave a different page. A
-- cashier's receipt is a document handed to a resident: its bytes are stored with their SHA-256
-- when it is first issued, numbered in the operator's own series, and never changed. A reversed
-- payment gets its own reversal notice, stored the same way; the receipt it cancels stays as issued.

create table receipt_series (
    operator_code   text primary key references operator (code),
    last_no         bigint not null check (last_no > 0)
);

create table receipt (
    payment_id      bigint primary key references payment (id),
    operator_code   text not null references operator (code),
    receipt_no      text not null unique,
    cashier         text not null check (length(btrim(cashier)) > 0),
    pdf             bytea not null,
    pdf_sha256      text not null check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    issued_at       timestamptz not null default now()
);

create table reversal_notice (
    payment_id      bigint primary key references payment_reversal (payment_id),
    receipt_no      text references receipt (receipt_no),
    pdf             bytea not null,
    pdf_sha256      text not null check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    issued_at       timestamptz not null default now()
);

create trigger receipt_is_immutable before update or delete on receipt
    for each row execute function refuse_statement_change();
create trigger reversal_notice_is_immutable before update or delete on reversal_notice
    for each row execute function refuse_statement_change();
