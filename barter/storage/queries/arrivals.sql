-- name: arrival_legs
-- ($1 proposal) Each receiver's transfers: road distance, and the first pick-up and last drop-off
-- of the shipments of the proposal's active (non-preview) plan that carry it, if any.
SELECT t.receiver_id, t.distance_km, legs.first_pickup, legs.last_dropoff
FROM proposal_transfers t
LEFT JOIN LATERAL (
    SELECT min(st.pickup) AS first_pickup, max(st.dropoff) AS last_dropoff
    FROM planned_proposals pp
    JOIN shipment_transfers st ON st.plan_id = pp.plan_id AND st.proposal_id = t.proposal_id
                               AND st.position = t.position
    WHERE pp.proposal_id = t.proposal_id
) AS legs ON true
WHERE t.proposal_id = $1
ORDER BY t.receiver_id, t.position;

-- name: schedule_arrival
INSERT INTO arrival_notices (proposal_id, receiver_id, expected_at, due_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (proposal_id, receiver_id) DO NOTHING;

-- name: due_arrivals
-- ($1 now, $2 limit) Arrival notices that fell due, locked (other sweepers skip them), with
-- whether they still apply: the exchange on the road and the receiver not yet confirmed.
SELECT a.proposal_id, a.receiver_id, a.expected_at,
       p.status = 'in_transit' AND EXISTS (
           SELECT 1 FROM proposal_transfers t
           WHERE t.proposal_id = a.proposal_id AND t.receiver_id = a.receiver_id AND t.received_at IS NULL
       ) AS applies
FROM arrival_notices a
JOIN proposals p ON p.id = a.proposal_id
WHERE a.state = 'scheduled' AND a.due_at <= $1
ORDER BY a.due_at, a.proposal_id, a.receiver_id
LIMIT $2
FOR UPDATE OF a SKIP LOCKED;

-- name: finish_arrival
UPDATE arrival_notices SET state = $3, finished_at = $4 WHERE proposal_id = $1 AND receiver_id = $2;
