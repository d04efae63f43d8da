-- Volunteer points imported from a file (points_earned.csv, points_redeemed.csv): each record carries
-- the reference of the paper or app record it came from (登记号), so importing the same file again
-- recognises what is already recorded instead of counting a service or a redemption twice.
-- Entries recorded one by one (Api, demo) have none.

alter table points_entry add column reference text;

create unique index points_entry_reference on points_entry (reference) where reference is not null;
