-- Shared parking (共享停车), first part: spaces, businesses, released windows and leases. Two
-- leases of one space can never overlap, and neither can two releases: exclusion constraints
-- decide, so concurrent requests for the same slot cannot both succeed.

create extension if not exists btree_gist;

create table parking_space (
    id              bigint generated always as identity primary key,
    community_code  text not null references community (code),
    number          text not null,
    space_type      text not null default 'standard',
    unique (community_code, number)
);

create table business (
    id              bigint generated always as identity primary key,
    name            text not null,
    contact         text not null,
    credit_code     text not null unique check (length(credit_code) = 18)
);

create table parking_release_slot (
    space_id        bigint not null references parking_space (id),
    during          tstzrange not null check (not isempty(during)),
    released_by     text not null,
    created_at      timestamptz not null default now(),
    constraint parking_release_slots_do_not_overlap exclude using gist (space_id with =, during with &&)
);

create table parking_lease (
    id              bigint generated always as identity primary key,
    space_id        bigint not null references parking_space (id),
    business_id     bigint not null references business (id),
    kind            text not null check (kind in ('monthly', 'one-off')),
    created_at      timestamptz not null default now()
);

create table parking_lease_slot (
    lease_id        bigint not null references parking_lease (id),
    space_id        bigint not null references parking_space (id),
    during          tstzrange not null check (not isempty(during)),
    constraint parking_leases_do_not_overlap exclude using gist (space_id with =, during with &&)
);
