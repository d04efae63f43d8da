-- District finance signs off a district's month of subsidy reconciliation: 审核通过 (approved) or
-- 退回 (returned, with a reason the operator must act on). The reconciliation PDF shows who signed
-- and when, so the paper the two sides keep says the same as the database. Sign-offs are only
-- added, never changed: a month returned and later approved keeps both decisions, latest last.

create table district_signoff (
    id              bigint generated always as identity primary key,
    district        text not null check (length(btrim(district)) > 0),
    period          date not null check (extract(day from period) = 1),
    decision        text not null check (decision in ('approved', 'returned')),
    reason          text,
    signed_by       text not null check (length(btrim(signed_by)) > 0),
    signed_at       timestamptz not null default now(),
    check (decision = 'approved' or length(btrim(coalesce(reason, ''))) > 0)
);

create index district_signoff_by_month on district_signoff (district, period, id);

create trigger district_signoff_is_immutable before update or delete on district_signoff
    for each row execute function refuse_statement_change();
