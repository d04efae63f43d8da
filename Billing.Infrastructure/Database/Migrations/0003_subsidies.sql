-- Government subsidies: what the district pays on each household's behalf, evaluation scores,
-- and the monthly claims district finance checks.

-- The district's share of each property-fee line, billed to the district. It is stored apart from
-- the resident's statement lines so that reconciliation compares two records, not one with itself.
create table district_invoice_line (
    statement_id    bigint not null,
    line_no         integer not null,
    household_code  text not null references household (code),
    community_code  text not null references community (code),
    district        text not null,
    period          date not null check (extract(day from period) = 1),
    policy_version  text not null,
    standard_amount numeric(12, 2) not null check (standard_amount >= 0),
    district_amount numeric(12, 2) not null check (district_amount >= 0 and district_amount <= standard_amount),
    formula         text not null,
    primary key (statement_id, line_no),
    foreign key (statement_id, line_no) references statement_line (statement_id, line_no)
);

create index district_invoice_line_by_district on district_invoice_line (district, period, community_code);

create trigger district_invoice_line_is_immutable before update or delete on district_invoice_line
    for each row execute function refuse_statement_change();

-- 双考核得分: one score per community and period; it applies from that month until the next score.
create table evaluation_score (
    community_code  text not null references community (code),
    period          date not null check (extract(day from period) = 1),
    score           numeric(5, 2) not null check (score >= 0 and score <= 100),
    source          text not null,
    recorded_at     timestamptz not null default now(),
    primary key (community_code, period)
);

-- A submitted claim is frozen: a later correction is an adjustment added to a later claim.
create table subsidy_claim (
    id              bigint generated always as identity primary key,
    community_code  text not null references community (code),
    district        text not null,
    period          date not null check (extract(day from period) = 1),
    households      integer not null,
    billed_area     numeric(14, 2) not null,
    standard_fee    numeric(14, 2) not null,
    resident_share  numeric(14, 2) not null,
    district_share  numeric(14, 2) not null,
    score           numeric(5, 2) not null,
    score_period    date not null,
    factor          numeric(6, 4) not null check (factor >= 0 and factor <= 1),
    claim_amount    numeric(14, 2) not null check (claim_amount >= 0),
    shortfall       numeric(14, 2) not null check (shortfall >= 0),
    adjustments     numeric(14, 2) not null,
    total_claim     numeric(14, 2) not null,
    submitted_at    timestamptz not null default now(),
    constraint subsidy_claim_once_per_community_and_period unique (community_code, period),
    constraint subsidy_claim_adds_up check (claim_amount + shortfall = district_share and total_claim = claim_amount + adjustments)
);

create function refuse_claim_change() returns trigger language plpgsql as $$
begin
    raise exception 'submitted subsidy claims are frozen (% on %); record an adjustment in a later period instead', tg_op, tg_table_name
        using errcode = 'P0001';
end;
$$;

create trigger subsidy_claim_is_frozen before update or delete on subsidy_claim
    for each row execute function refuse_claim_change();

create table subsidy_adjustment (
    id              bigint generated always as identity primary key,
    community_code  text not null references community (code),
    period          date not null check (extract(day from period) = 1),
    corrects_claim_id bigint not null references subsidy_claim (id),
    amount          numeric(14, 2) not null check (amount <> 0),
    reason          text not null check (length(reason) > 0),
    created_at      timestamptz not null default now()
);

create trigger subsidy_adjustment_is_frozen before update or delete on subsidy_adjustment
    for each row execute function refuse_claim_change();
