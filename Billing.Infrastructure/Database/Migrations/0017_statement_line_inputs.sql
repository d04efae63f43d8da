-- Every statement line stores every input of its formula. Why: the common columns (quantity, rate,
-- days, denominator, share) were enough for the property fee and fee items, but a parking-pool
-- reduction (pool, permits, floor), a permit (its share of the month), a correction (the statement
-- it corrects, what was recorded and what is still pending), a points credit and the subsidy limit
-- stored nothing, so their amounts could not be recomputed from the database. The named inputs
-- beyond the columns go here, as text values so decimals keep their exact digits.
alter table statement_line add column inputs jsonb not null default '{}'::jsonb;
