-- The channels' daily statements (对账单) as finance staff upload them in the console, kept byte
-- for byte with their SHA-256: the reconciliation page and its Excel export are worked out again
-- from the very file that was uploaded, and anyone can later check which file a reconciliation
-- came from. Append-only, like every record of money here; one operator's uploads are its own.

create table channel_statement_import (
    id              bigint generated always as identity primary key,
    operator_code   text not null references operator (code),
    channel         text not null check (channel in ('wechat', 'alipay')),
    statement_date  date not null,
    file_name       text not null check (length(file_name) between 1 and 200),
    content         bytea not null check (length(content) > 0),
    sha256          text not null check (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by     text not null,
    uploaded_at     timestamptz not null default now()
);

create index channel_statement_import_by_operator on channel_statement_import (operator_code, uploaded_at desc);

create trigger channel_statement_import_is_immutable before update or delete on channel_statement_import
    for each row execute function refuse_statement_change();
