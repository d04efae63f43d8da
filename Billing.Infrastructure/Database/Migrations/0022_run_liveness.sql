-- No run is left stuck. A community's job can be lost in two ways: the worker doing it dies (its
-- status stays 'issuing' until someone restarts a worker), or the job was never queued (the run
-- was stored but Hangfire's storage failed just after). The run rows themselves are the outbox:
--  * queued_at: when a job for the community's current step was last handed to Hangfire; null
--    means not yet, and the sweeper queues it.
--  * heartbeat_at: refreshed every few seconds by the worker doing the community's job. A
--    community whose job was queued or beaten for the last time long ago has lost its worker,
--    and the sweeper queues its job again (jobs are idempotent, and the per-community lock,
--    which PostgreSQL releases when the dead worker's connection closes, keeps them exclusive).
alter table billing_run_community
    add column queued_at timestamptz,
    add column heartbeat_at timestamptz;

-- Runs that exist before this migration were queued the old way.
update billing_run_community set queued_at = updated_at;

create index billing_run_community_unfinished on billing_run_community (run_id)
    where status in ('pending', 'drafted', 'issuing');
