-- Rows that several property companies used to share now belong to one of them, so no company
-- can change, use or even learn of another's.
--
-- Businesses: one company registering a business by its credit code renamed the record another
-- company had registered. A business is now registered per operator; the same shop leasing in two
-- companies' car parks is two records, each seen and edited only by its own company. A lease
-- names a business of the operator that owns the space.
alter table business add column operator_code text references operator (code);

update business b set operator_code = (
    select c.operator_code
    from parking_lease l
    join parking_space s on s.id = l.space_id
    join community c on c.code = s.community_code
    where l.business_id = b.id
    order by l.id
    limit 1);

alter table business drop constraint business_credit_code_key;
alter table business add constraint business_credit_code_once_per_operator unique nulls not distinct (operator_code, credit_code);

-- A business recorded without an operator (older data, the command line) is claimed by the first
-- operator that leases it a space; after that only that operator's spaces can be leased to it.
create function parking_lease_business_of_the_space_operator() returns trigger language plpgsql as $$
declare
    space_operator text;
    business_operator text;
begin
    select c.operator_code into space_operator
    from parking_space s join community c on c.code = s.community_code where s.id = new.space_id;
    select operator_code into business_operator from business where id = new.business_id for update;
    if business_operator is null then
        update business set operator_code = space_operator where id = new.business_id;
    elsif business_operator is distinct from space_operator then
        raise exception 'business % is not registered with the operator of this space', new.business_id
            using errcode = 'foreign_key_violation';
    end if;
    return new;
end $$;

create trigger parking_lease_business_of_the_space_operator before insert on parking_lease
    for each row execute function parking_lease_business_of_the_space_operator();

-- Payment references: a cash receipt book number or a channel's transaction number is unique
-- within one company's accounts (its merchant account), not across every company in the city.
-- Two companies' receipt books both start at 0001; the second was refused, and the refusal told
-- it the first company's household, amount and date.
alter table payment add column operator_code text references operator (code);
update payment p set operator_code = c.operator_code
from household h join community c on c.code = h.community_code
where h.code = p.household_code;

create function payment_operator_from_household() returns trigger language plpgsql as $$
begin
    select c.operator_code into new.operator_code
    from household h join community c on c.code = h.community_code where h.code = new.household_code;
    return new;
end $$;

-- Before the row is checked against the unique reference, so on conflict sees the operator.
create trigger payment_operator_from_household before insert on payment
    for each row execute function payment_operator_from_household();

alter table payment alter column operator_code set not null;
alter table payment drop constraint payment_reference_once_per_channel;
alter table payment add constraint payment_reference_once_per_operator_and_channel unique (operator_code, channel, reference);

alter table business_payment add column operator_code text references operator (code);
update business_payment p set operator_code = c.operator_code
from business_invoice i join community c on c.code = i.community_code
where i.id = p.invoice_id;

create function business_payment_operator_from_invoice() returns trigger language plpgsql as $$
begin
    select c.operator_code into new.operator_code
    from business_invoice i join community c on c.code = i.community_code where i.id = new.invoice_id;
    return new;
end $$;

create trigger business_payment_operator_from_invoice before insert on business_payment
    for each row execute function business_payment_operator_from_invoice();

alter table business_payment alter column operator_code set not null;
alter table business_payment drop constraint business_payment_reference_once_per_channel;
alter table business_payment add constraint business_payment_reference_once_per_operator_and_channel unique (operator_code, channel, reference);
