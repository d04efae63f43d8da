-- Occupancy: a move-out (迁出) is recorded as itself, apart from "not handed over" (未交付).
-- Why: the state of a home before its first recorded row follows from that row. A first row
-- "moved-out" means the home was occupied until that day (it is billed up to the day before);
-- a first row "not-billed" means it had never been handed over (nothing billed before either).
-- Both were stored as 'not-billed', so a household that had lived there for years and moved out on
-- the 20th got no statement for the month at all. Rows stored before this migration keep
-- 'not-billed' and its meaning (not handed over); new move-outs are stored as 'moved-out'.
alter table occupancy drop constraint occupancy_status_check;
alter table occupancy add constraint occupancy_status_check
    check (status in ('occupied', 'vacant', 'not-billed', 'moved-out'));
