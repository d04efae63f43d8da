-- Corrections made by people in the console. A billing clerk (制单) makes a correction of an issued
-- statement; when its amount (credit or charge) is above the operator's threshold
-- (correctionApprovalAbove in rates/operators/<code>.json) it waits for a finance manager (审核) who
-- is not its maker, as a run does. Only a correction in effect becomes a statement adjustment, which
-- the household's next statement bills as a new line; issued statements are never edited. The
-- threshold in force is kept with each correction, so why it did or did not need approval can be
-- read back later even after the threshold changes. Both tables are only ever added to.

create table correction_request (
    id                     bigint generated always as identity primary key,
    operator_code          text not null references operator (code),
    household_code         text not null references household (code),
    corrects_statement_id  bigint not null,
    amount                 numeric(12, 2) not null check (amount <> 0),
    reason                 text not null check (length(btrim(reason)) > 0 and length(reason) <= 200 and reason !~ '[[:cntrl:]]'),
    approval_above         numeric(12, 2) not null check (approval_above >= 0),
    needs_approval         boolean not null,
    made_by                text not null check (length(btrim(made_by)) > 0),
    made_by_name           text not null,
    made_at                timestamptz not null default now(),
    constraint correction_request_of_the_statements_household foreign key (corrects_statement_id, household_code)
        references statement (id, household_code),
    -- Whether approval is needed follows from the amount and the threshold; it cannot be chosen.
    constraint correction_request_approval_follows_threshold check (needs_approval = (abs(amount) > approval_above))
);

create index correction_request_by_operator on correction_request (operator_code, id);

-- What became of a correction: in effect at once (below the threshold), approved or rejected by a
-- manager. A correction in effect names the adjustment it was recorded as.
create table correction_decision (
    request_id       bigint primary key references correction_request (id),
    decision         text not null check (decision in ('direct', 'approved', 'rejected')),
    decided_by       text not null check (length(btrim(decided_by)) > 0),
    decided_by_name  text not null,
    note             text check (note is null or (length(note) <= 200 and note !~ '[[:cntrl:]]')),
    adjustment_id    bigint unique references statement_adjustment (id),
    decided_at       timestamptz not null default now(),
    check ((decision = 'rejected') = (adjustment_id is null))
);

-- The rules that span both tables: only a correction below the threshold takes effect directly, and
-- by its maker; one above it is decided by someone else.
create function check_correction_decision() returns trigger language plpgsql as $$
declare
    request correction_request%rowtype;
begin
    select * into request from correction_request where id = new.request_id;
    if not found then
        return new; -- the foreign key reports it
    end if;

    if new.decision = 'direct' and request.needs_approval then
        raise exception 'correction % of % is above the approval threshold %; it needs a manager''s approval',
            request.id, request.amount, request.approval_above using errcode = 'check_violation';
    end if;

    if new.decision = 'direct' and new.decided_by <> request.made_by then
        raise exception 'correction % takes effect directly in its maker''s name, not %', request.id, new.decided_by
            using errcode = 'check_violation';
    end if;

    if new.decision <> 'direct' and (not request.needs_approval) then
        raise exception 'correction % needs no approval', request.id using errcode = 'check_violation';
    end if;

    if new.decision <> 'direct' and new.decided_by = request.made_by then
        raise exception 'correction % was made by %, who cannot approve or reject it too', request.id, request.made_by
            using errcode = 'check_violation';
    end if;

    return new;
end $$;

create trigger correction_decision_is_checked before insert on correction_decision
    for each row execute function check_correction_decision();

create trigger correction_request_is_history before update or delete on correction_request
    for each row execute function refuse_register_history_change();
create trigger correction_decision_is_history before update or delete on correction_decision
    for each row execute function refuse_register_history_change();
