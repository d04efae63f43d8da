-- Corrections of issued statements (issue 7). An issued statement is never changed: a correction
-- is an adjustment recorded against it (positive: more to pay, negative: a credit) and billed as a
-- line of a later statement of the same household, which names the statement it corrects. A
-- credit larger than a month's charges is used up over several months, like a points credit, so
-- an adjustment can have several applications; they never add up to more than its amount.
-- Both tables are only ever added to.

-- Lets an adjustment's foreign key require that it is the corrected statement's household.
alter table statement add constraint statement_id_household unique (id, household_code);

create table statement_adjustment (
    id                     bigint generated always as identity primary key,
    household_code         text not null references household (code),
    corrects_statement_id  bigint not null,
    amount                 numeric(12, 2) not null check (amount <> 0),
    -- Printed on the statement that bills it, so it is kept short and on one line.
    reason                 text not null check (length(btrim(reason)) > 0 and length(reason) <= 200 and reason !~ '[[:cntrl:]]'),
    recorded_by            text not null check (length(btrim(recorded_by)) > 0 and length(recorded_by) <= 100),
    recorded_at            timestamptz not null default now(),
    -- A retried request or command with the same key finds the first recording instead of adding a second.
    idempotency_key        text check (length(btrim(idempotency_key)) > 0 and length(idempotency_key) <= 100),
    constraint statement_adjustment_of_the_statements_household foreign key (corrects_statement_id, household_code)
        references statement (id, household_code),
    constraint statement_adjustment_key_once unique (corrects_statement_id, idempotency_key)
);

create index statement_adjustment_by_household on statement_adjustment (household_code);

-- Where an adjustment was billed: a statement line of kind 'adjustment'.
create table statement_adjustment_application (
    adjustment_id   bigint not null references statement_adjustment (id),
    statement_id    bigint not null,
    line_no         integer not null,
    amount          numeric(12, 2) not null check (amount <> 0),
    primary key (adjustment_id, statement_id),
    constraint statement_adjustment_application_one_per_line unique (statement_id, line_no),
    foreign key (statement_id, line_no) references statement_line (statement_id, line_no)
);

-- The rules no single constraint can say: the same household, a later period, the line it names,
-- and never more than the adjustment in total. The adjustment row is locked first, so two
-- applications inserted at once are checked one after the other.
create function check_statement_adjustment_application() returns trigger language plpgsql as $$
declare
    adjustment  statement_adjustment%rowtype;
    corrected_period date;
    target_household text;
    target_period    date;
    line_kind        text;
    line_amount      numeric;
    applied     numeric;
begin
    select * into adjustment from statement_adjustment where id = new.adjustment_id for no key update;
    if not found then
        return new; -- the foreign key reports it
    end if;

    -- Named columns only: a statement row also holds its PDF.
    select period into corrected_period from statement where id = adjustment.corrects_statement_id;
    select household_code, period into target_household, target_period from statement where id = new.statement_id;
    if target_household is distinct from adjustment.household_code then
        raise exception 'adjustment % is for household %, not for statement % of %',
            adjustment.id, adjustment.household_code, new.statement_id, target_household using errcode = 'P0001';
    end if;

    if target_period <= corrected_period then
        raise exception 'adjustment % corrects the statement of %, so it is billed in a later period, not %',
            adjustment.id, corrected_period, target_period using errcode = 'P0001';
    end if;

    select kind, amount into line_kind, line_amount from statement_line where statement_id = new.statement_id and line_no = new.line_no;
    if found and (line_kind <> 'adjustment' or line_amount <> new.amount) then
        raise exception 'statement % line % is a % line of %, not an adjustment of %',
            new.statement_id, new.line_no, line_kind, line_amount, new.amount using errcode = 'P0001';
    end if;

    if sign(new.amount) <> sign(adjustment.amount) then
        raise exception 'adjustment % of % cannot be applied as %', adjustment.id, adjustment.amount, new.amount using errcode = 'P0001';
    end if;

    select coalesce(sum(amount), 0) into applied from statement_adjustment_application where adjustment_id = new.adjustment_id;
    if abs(applied + new.amount) > abs(adjustment.amount) then
        raise exception 'adjustment % of % is already applied as %; % more would exceed it',
            adjustment.id, adjustment.amount, applied, new.amount using errcode = 'P0001';
    end if;

    return new;
end;
$$;

create trigger statement_adjustment_application_is_checked before insert on statement_adjustment_application
    for each row execute function check_statement_adjustment_application();

create trigger statement_adjustment_is_history before update or delete on statement_adjustment
    for each row execute function refuse_register_history_change();
create trigger statement_adjustment_application_is_history before update or delete on statement_adjustment_application
    for each row execute function refuse_register_history_change();
