-- Register with history: operators and zones, effective-dated service levels, building types,
-- versioned household details, occupancy, meter readings, and an append-only change log.
-- Effective-dated rows are never updated: a change is a new row from its date on. The first row
-- of a timeline is dated 1900-01-01 when its real start is unknown ("as it always was").

create table operator (
    code            text primary key,
    name            text not null
);

create table zone (
    code            text primary key,
    name            text not null,
    operator_code   text not null references operator (code)
);

insert into operator (code, name)
select distinct 'op-' || substr(md5(operator_name), 1, 8), operator_name from community;

alter table community
    add column operator_code text references operator (code),
    add column zone_code text references zone (code),
    add column building_type text not null default 'multi-storey' check (building_type in ('multi-storey', 'high-rise'));

update community set operator_code = 'op-' || substr(md5(operator_name), 1, 8);
alter table community alter column operator_code set not null;

create table community_level (
    community_code  text not null references community (code),
    effective_from  date not null,
    service_level   text not null,
    agreed_price    numeric(12, 4) check (agreed_price >= 0),
    recorded_at     timestamptz not null default now(),
    primary key (community_code, effective_from)
);

insert into community_level (community_code, effective_from, service_level)
select code, date '1900-01-01', service_level from community;

alter table community drop column service_level;

create table building (
    community_code  text not null references community (code),
    building        text not null,
    building_type   text not null check (building_type in ('multi-storey', 'high-rise')),
    primary key (community_code, building)
);

create table household_version (
    household_code  text not null references household (code),
    effective_from  date not null,
    building        text not null,
    unit            text not null,
    room            text not null,
    building_area   numeric(10, 2) not null check (building_area > 0),
    owner_name      text not null,
    occupant_name   text,
    phone           text,
    parking_permits integer not null default 0 check (parking_permits >= 0),
    recorded_at     timestamptz not null default now(),
    primary key (household_code, effective_from)
);

insert into household_version (household_code, effective_from, building, unit, room, building_area, owner_name, phone)
select code, date '1900-01-01', building, unit, room, building_area, owner_name, phone from household;

alter table household
    drop column building, drop column unit, drop column room,
    drop column building_area, drop column owner_name, drop column phone;

create table occupancy (
    household_code  text not null references household (code),
    effective_from  date not null,
    status          text not null check (status in ('occupied', 'vacant', 'not-billed')),
    recorded_at     timestamptz not null default now(),
    primary key (household_code, effective_from)
);

create table meter_reading (
    household_code  text not null references household (code),
    period          date not null check (extract(day from period) = 1),
    item_code       text not null,
    quantity        numeric(14, 4) not null check (quantity >= 0),
    recorded_at     timestamptz not null default now(),
    primary key (household_code, period, item_code)
);

-- Every change to the register, as imported: what, from when, and which file and row said so.
create table register_change (
    id              bigint generated always as identity primary key,
    entity          text not null,
    code            text not null,
    effective_from  date,
    data            jsonb not null,
    source          text not null,
    recorded_at     timestamptz not null default now()
);

create index register_change_by_code on register_change (entity, code);

create function refuse_register_history_change() returns trigger language plpgsql as $$
begin
    raise exception 'register history is append-only (% on %); record a new effective-dated row instead', tg_op, tg_table_name
        using errcode = 'P0001';
end;
$$;

create trigger community_level_is_history before update or delete on community_level
    for each row execute function refuse_register_history_change();
create trigger household_version_is_history before update or delete on household_version
    for each row execute function refuse_register_history_change();
create trigger occupancy_is_history before update or delete on occupancy
    for each row execute function refuse_register_history_change();
create trigger register_change_is_history before update or delete on register_change
    for each row execute function refuse_register_history_change();

-- Statement lines keep every input of their formula, whatever the basis.
alter table statement_line rename column area to quantity;
alter table statement_line rename column unit_price to rate;
alter table statement_line rename column days_in_month to denominator;
alter table statement_line
    alter column quantity type numeric(14, 4),
    add column quantity_unit text,
    add column rate_unit text,
    add column segment_from date,
    add column segment_to date,
    add column share numeric(6, 4);
