-- Billing runs with a lifecycle: drafted (computed, totals reviewable, nothing issued), approved by
-- finance staff, then issued (statements stored and rendered). Work is fanned out per community so
-- that several workers share it and progress can be shown per community.

alter table billing_run
    add column operator_code   text references operator (code),
    add column status          text not null default 'issued'
        check (status in ('drafting', 'draft', 'approved', 'issued', 'cancelled')),
    add column requested_by    text not null default 'system',
    add column trigger         text not null default 'command' check (trigger in ('schedule', 'api', 'command')),
    add column drafted_at      timestamptz,
    add column approved_by     text,
    add column approved_at     timestamptz,
    add column issued_at       timestamptz;

-- Runs from before approval existed issued at once; say so rather than invent an approver.
update billing_run
set approved_by = 'issued without approval (before runs had one)', approved_at = finished_at, issued_at = finished_at
where status = 'issued';

alter table billing_run
    add constraint approval_is_recorded check (status not in ('approved', 'issued') or approved_by is not null);

-- A schedule that fires twice (two servers, a retried recurring job) still makes one run per operator and month.
create unique index billing_run_scheduled_once on billing_run (operator_code, period) where trigger = 'schedule';

create table billing_run_community (
    run_id              bigint not null references billing_run (id),
    community_code      text not null references community (code),
    status              text not null default 'pending'
        check (status in ('pending', 'drafted', 'failed', 'issuing', 'issued')),
    -- What finance staff approve: the statements' lines hashed in a fixed order. Issuing recomputes
    -- and refuses if the inputs changed since, so residents get exactly what was reviewed.
    draft_fingerprint   text,
    households_total    integer,
    households_done     integer not null default 0,
    statements_new      integer not null default 0,
    statements_existing integer not null default 0,
    problem             text,
    worker              text,
    updated_at          timestamptz not null default now(),
    primary key (run_id, community_code),
    check (households_done >= 0 and (households_total is null or households_done <= households_total))
);

create index billing_run_community_by_community on billing_run_community (community_code);

-- Reviewable draft totals per community and line kind.
create table billing_run_total (
    run_id          bigint not null,
    community_code  text not null,
    kind            text not null,
    lines           integer not null check (lines > 0),
    households      integer not null check (households > 0),
    amount          numeric(14, 2) not null,
    primary key (run_id, community_code, kind),
    foreign key (run_id, community_code) references billing_run_community (run_id, community_code)
);

-- The resident's account on each statement: what the previous statement asked for, what changed in
-- the ledger since (payments, reversals), this month's charges and the amount due now.
alter table statement
    add column previous_balance numeric(12, 2),
    add column payments_since   numeric(12, 2),
    add column amount_due       numeric(12, 2),
    add constraint statement_account_adds_up check (
        amount_due is null or amount_due = previous_balance + payments_since + total);
