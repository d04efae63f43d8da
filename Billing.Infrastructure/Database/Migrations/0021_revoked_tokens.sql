-- Tokens can be taken back before they expire: a lost phone, a clerk who left, a sign-out.
-- Every token carries an id (jti); the Api refuses a token whose id is listed here, on every
-- request. Rows are kept until the token would have expired anyway, then may be deleted.
create table revoked_token (
    jti             text primary key check (length(jti) between 1 and 100),
    expires_at      timestamptz not null,
    reason          text not null check (length(reason) between 1 and 500),
    revoked_at      timestamptz not null default now()
);
