-- Shortfalls on delivery: opened at completion, resolved by a coordinator of the region.

-- name: insert_dispute
INSERT INTO disputes (proposal_id, position, giver_id, receiver_id, regions, item_id, unit, planned,
                      received, condition, note, photo_ref, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING id;

-- name: get_dispute
SELECT d.id, d.proposal_id, d.position, d.giver_id, d.receiver_id, d.regions, d.item_id,
       i.name_th AS item_name_th, i.name_en AS item_name_en, d.unit, d.planned::float8 AS planned,
       d.received::float8 AS received, (d.planned - d.received)::float8 AS shortfall, d.condition,
       d.note, d.photo_ref, d.status, d.resolution_note, d.resolved_at, d.created_at, d.version,
       t.offer_id, t.need_id, t.unit_value::float8 AS unit_value
FROM disputes d
JOIN items i ON i.id = d.item_id
JOIN proposal_transfers t ON t.proposal_id = d.proposal_id AND t.position = d.position
WHERE d.id = $1
FOR UPDATE OF d;

-- name: list_disputes
SELECT d.id FROM disputes d
WHERE ($1::boolean OR d.regions && $2::text[] OR $3::bigint IN (d.giver_id, d.receiver_id))
  AND ($4::text IS NULL OR d.status = $4)
  AND ($5::bigint IS NULL OR d.proposal_id = $5)
  AND ($6::bigint IS NULL OR d.id < $6)
ORDER BY d.id DESC
LIMIT $7;

-- name: resolve_dispute
UPDATE disputes SET status = $2, resolution_note = $3, resolved_by = $4, resolved_at = $5,
                    version = version + 1
WHERE id = $1 AND status = 'open'
RETURNING id;
