-- Community accounts (明白账): the income and spending finance staff enter for a community's
-- month (charging piles, other income; salaries, repairs, cleaning …). The other figures of the
-- notice are read from where they already are (statements, ledger, subsidy lines and claims,
-- parking pool), so they are not copied here.
--
-- Entries are only ever added. A correction is a new entry that names the entry it corrects and
-- carries the difference; the composite key below makes it belong to the same community, month,
-- direction and category.

create table community_account_entry (
    id              bigint generated always as identity primary key,
    community_code  text not null references community (code),
    period          date not null check (extract(day from period) = 1),
    direction       text not null check (direction in ('income', 'spending')),
    category        text not null,
    amount          numeric(12, 2) not null check (amount <> 0),
    -- The staff's voucher number (凭证号): recording the same entry twice must not count it twice.
    reference       text not null check (length(btrim(reference)) > 0 and length(reference) <= 64),
    description     text not null check (length(btrim(description)) > 0 and length(description) <= 60),
    entered_on      date not null,
    corrects_id     bigint,
    entered_by      text not null,
    recorded_at     timestamptz not null default now(),
    check ((direction = 'income' and category in ('charging', 'other'))
        or (direction = 'spending' and category in ('salaries', 'repairs', 'cleaning', 'greening', 'security', 'utilities', 'other'))),
    -- Only a correction may take money off; an original entry is a positive amount.
    check (amount > 0 or corrects_id is not null),
    constraint community_account_entry_reference_once unique (community_code, reference),
    constraint community_account_entry_key unique (id, community_code, period, direction, category),
    constraint community_account_entry_corrects_same_line foreign key (corrects_id, community_code, period, direction, category)
        references community_account_entry (id, community_code, period, direction, category)
);

create index community_account_entry_by_month on community_account_entry (community_code, period);

create trigger community_account_entry_is_immutable before update or delete on community_account_entry
    for each row execute function refuse_statement_change();
