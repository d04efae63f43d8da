-- A subsidy line names the property-fee line it pays part of. Reconciliation compared each
-- district line with "the line before it", which holds only while the subsidy is written right
-- after its fee; a new line kind placed between them would have silently paired the wrong lines.
alter table district_invoice_line add column fee_line_no integer;

-- Lines stored so far were written right after their fee line, so that is what they point to.
-- The table is append-only; the trigger is held back for this one backfill only.
alter table district_invoice_line disable trigger district_invoice_line_is_immutable;
update district_invoice_line set fee_line_no = line_no - 1;
alter table district_invoice_line enable trigger district_invoice_line_is_immutable;

alter table district_invoice_line
    alter column fee_line_no set not null,
    add constraint district_invoice_line_fee_line check (fee_line_no <> line_no),
    add constraint district_invoice_line_fee_line_exists
        foreign key (statement_id, fee_line_no) references statement_line (statement_id, line_no);
