-- A statement's PDF is kept beside it rather than in it. Issuing stores a community's statements
-- (amounts, lines, ledger charges) first and draws their PDFs afterwards, so the figures are final
-- and counted before the slow part starts; a PDF is written once and then never changed, and its
-- SHA-256 is what residents can check the file they downloaded against.
create table statement_pdf (
    statement_id    bigint primary key references statement (id),
    pdf             bytea not null,
    pdf_sha256      text not null check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    rendered_at     timestamptz not null default now()
);

-- PDFs are compressed already; PostgreSQL trying again would only cost time.
alter table statement_pdf alter column pdf set storage external;

insert into statement_pdf (statement_id, pdf, pdf_sha256, rendered_at)
select id, pdf, pdf_sha256, created_at from statement;

alter table statement drop column pdf, drop column pdf_sha256;

create trigger statement_pdf_is_immutable before update or delete on statement_pdf
    for each row execute function refuse_statement_change();

-- Where the time of issuing a community went, and how many of its PDFs are drawn.
alter table billing_run_community
    add column pdfs_done  integer not null default 0 check (pdfs_done >= 0),
    add column compute_ms integer,
    add column store_ms   integer,
    add column render_ms  integer;

-- A run may store its statements now and leave the PDFs to the `render` command, which draws
-- them later from the same approved figures (a city-size month is stored in minutes; drawing
-- a million PDFs takes hours on two cores).
alter table billing_run add column render_pdfs boolean not null default true;
