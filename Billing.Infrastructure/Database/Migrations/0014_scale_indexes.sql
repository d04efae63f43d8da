-- Indexes for the questions a community's billing job asks, found by billing a million-household
-- synthetic city: without them each job read every lease slot, lease and permit of the city
-- (3 billion rows over one run), so a run grew with the square of the city.
create index parking_lease_by_space on parking_lease (space_id);
create index parking_lease_slot_by_lease on parking_lease_slot (lease_id);
create index parking_permit_by_space on parking_permit (space_id);
create index points_credit_application_by_statement on points_credit_application (statement_id);
