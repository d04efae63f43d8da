-- People sign in to the finance console, so every action is recorded against a person rather than
-- a shared "finance:TCJY" token. An account belongs to one operator (finance staff) or to one
-- district (district finance), never both: that is what every page checks its data against.
-- Passwords are stored only as ASP.NET Core Identity hashes (PBKDF2, salted, versioned).

create table staff_account (
    id              bigint generated always as identity primary key,
    user_name       text not null unique check (user_name ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
    display_name    text not null check (length(display_name) between 1 and 40),
    scope_kind      text not null check (scope_kind in ('operator', 'district')),
    scope           text not null check (length(scope) > 0),
    roles           text[] not null,
    password_hash   text not null,
    -- Five wrong passwords in a row lock the account for a while: a guessed password needs time.
    failed_attempts integer not null default 0 check (failed_attempts >= 0),
    locked_until    timestamptz,
    -- Changes when the password does, so a cookie issued before a change stops working.
    security_stamp  text not null,
    created_by      text not null,
    created_at      timestamptz not null default now(),
    check (cardinality(roles) > 0),
    check (roles <@ array['cashier', 'clerk', 'manager', 'admin', 'district']::text[]),
    -- District finance reads a district's claims; it never runs an operator's billing, and vice versa.
    check ((scope_kind = 'district') = (roles = array['district']::text[]))
);

-- Who did what, when, to which object: the console writes a row with every change it makes.
-- Rows are only ever added.
create table staff_audit (
    id              bigint generated always as identity primary key,
    at              timestamptz not null default now(),
    scope           text not null,
    user_name       text not null,
    display_name    text not null,
    action          text not null,
    object          text not null,
    detail          text not null default ''
);

create index staff_audit_by_scope on staff_audit (scope, at desc);

create trigger staff_audit_is_immutable before update or delete on staff_audit
    for each row execute function refuse_statement_change();

-- The person who drafted a run from the console. Four eyes: the approver must be someone else,
-- and the database refuses an approval by the drafter whatever path it comes by.
create table billing_run_drafter (
    run_id          bigint primary key references billing_run (id),
    user_name       text not null,
    display_name    text not null
);

create table billing_run_approver (
    run_id          bigint primary key references billing_run (id),
    user_name       text not null,
    display_name    text not null
);

create function refuse_self_approval() returns trigger language plpgsql as $$
begin
    if exists (select 1 from billing_run_drafter d where d.run_id = new.run_id and d.user_name = new.user_name) then
        raise exception 'run % was drafted by %, who cannot approve it too', new.run_id, new.user_name
            using errcode = 'check_violation';
    end if;
    return new;
end $$;

create trigger billing_run_approver_is_not_the_drafter before insert or update on billing_run_approver
    for each row execute function refuse_self_approval();

-- Which cashier took a payment at the counter: the day's close-out is per cashier and channel.
create table counter_payment (
    payment_id      bigint primary key references payment (id),
    user_name       text not null,
    display_name    text not null,
    scope           text not null,
    taken_at        timestamptz not null default now()
);

create index counter_payment_by_day on counter_payment (scope, taken_at);

create trigger counter_payment_is_immutable before update or delete on counter_payment
    for each row execute function refuse_statement_change();
