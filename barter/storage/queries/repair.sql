-- Repair after a decline (issue 12): who ended a proposal, the arcs cooling down, repair runs.

-- name: mark_ended_by
UPDATE proposals SET ended_by_community = $2, ended_by_regions = $3 WHERE id = $1;

-- name: insert_declined_arcs
INSERT INTO declined_arcs (proposal_id, offer_id, need_id, community_id, regions, declined_at)
SELECT $1, a.offer_id, a.need_id, $4, $5, $6
FROM unnest($2::bigint[], $3::bigint[]) AS a (offer_id, need_id)
ON CONFLICT DO NOTHING;

-- name: cooling_arcs
-- The arcs declined since $1 (now less the cooldown) among these offers ($2) and needs ($3).
SELECT DISTINCT offer_id, need_id FROM declined_arcs
WHERE declined_at > $1 AND offer_id = ANY($2::bigint[]) AND need_id = ANY($3::bigint[])
ORDER BY offer_id, need_id;

-- name: insert_repair_run
-- A queued repair of proposal $2, over the regions and with the settings (seed included) of the
-- run that proposed it ($3); runners hear of it when this transaction commits.
WITH run AS (
    INSERT INTO matching_runs (regions, settings, requested_by, kind, repair_of, message)
    SELECT r.regions, r.settings, $1, 'repair', $2, 'waiting for its regions to be free'
    FROM matching_runs r WHERE r.id = $3
    RETURNING id, regions
)
SELECT id, regions, pg_notify('barter_repair', id::text) FROM run;

-- name: queued_repairs
SELECT id, regions FROM matching_runs WHERE kind = 'repair' AND status = 'queued' ORDER BY id;
