-- name: run_columns
id, regions, status, settings - 'seed' AS settings, (settings ->> 'seed')::integer AS seed, requested_by, progress, message, engine_status, objective,
upper_bound, gap, counts, error, created_at, started_at, solved_at, finished_at, heartbeat_at, kind, repair_of

-- name: insert_run
INSERT INTO matching_runs (regions, settings, requested_by)
VALUES ($1, $2, $3)
RETURNING @@run_columns@@;

-- name: get_run
SELECT @@run_columns@@ FROM matching_runs WHERE id = $1;

-- name: list_runs
SELECT @@run_columns@@ FROM matching_runs
WHERE ($1::bool OR regions && $2::text[])
  AND ($3::text IS NULL OR status = $3)
  AND ($4::bigint IS NULL OR id < $4)
ORDER BY id DESC
LIMIT $5;

-- name: start_run
UPDATE matching_runs SET status = 'running', started_at = $2, heartbeat_at = $2, progress = 0.05,
                         message = 'taking a snapshot of the market'
WHERE id = $1 AND status = 'queued'
RETURNING id;

-- name: run_progress
UPDATE matching_runs SET progress = greatest(progress, $2), message = $3, heartbeat_at = $4
WHERE id = $1 AND status = 'running';

-- name: run_solved
UPDATE matching_runs
SET engine_status = $2, objective = $3, upper_bound = $4, gap = $5, counts = $6, solved_at = $7,
    progress = 0.9, message = 'writing proposals', heartbeat_at = $7
WHERE id = $1;

-- name: run_succeeded
UPDATE matching_runs SET status = 'succeeded', counts = $2, finished_at = $3, progress = 1, message = $4
WHERE id = $1
RETURNING @@run_columns@@;

-- name: run_failed
UPDATE matching_runs SET status = 'failed', error = $2, finished_at = $3, message = 'failed'
WHERE id = $1 AND status IN ('queued', 'running')
RETURNING @@run_columns@@;

-- name: unfinished_runs
-- (a queued repair holds no lock until a runner picks it: it is not unfinished work of a dead process)
SELECT id, regions FROM matching_runs
WHERE status IN ('queued', 'running') AND NOT (kind = 'repair' AND status = 'queued')
ORDER BY id;

-- name: snapshot_communities
SELECT c.id, c.lat, c.lon, p.region
FROM communities c JOIN provinces p ON p.code = c.province_code
WHERE p.region = ANY($1::text[])
ORDER BY c.id;

-- name: snapshot_items
SELECT id, category_id, unit, reference_value::float8 AS value, kg_per_unit::float8 AS kg_per_unit,
       quantity_step::float8 AS quantity_step, shelf_life_days
FROM items ORDER BY id;

-- name: snapshot_offers
SELECT o.id, o.community_id, o.item_id, o.remaining::float8 AS remaining, o.min_lot::float8 AS min_lot, o.gift,
       o.own_value::float8 AS own_value, o.min_ratio_item_id, o.min_ratio::float8 AS min_ratio,
       o.available_from, o.available_until
FROM offers o
JOIN communities c ON c.id = o.community_id
JOIN provinces p ON p.code = c.province_code
WHERE o.status = 'open' AND o.remaining > 0 AND p.region = ANY($1::text[])
  AND (o.available_until IS NULL OR o.available_until >= $2::date)
ORDER BY o.id;

-- name: snapshot_needs
SELECT n.id, n.community_id, n.item_id, n.category_id, n.accept_offer_ids, n.unit,
       n.remaining::float8 AS remaining, n.min_lot::float8 AS min_lot, n.priority, n.max_distance_km,
       n.own_value::float8 AS own_value, n.needed_by
FROM needs n
JOIN communities c ON c.id = n.community_id
JOIN provinces p ON p.code = c.province_code
WHERE n.status = 'open' AND n.remaining > 0 AND p.region = ANY($1::text[])
ORDER BY n.id;

-- name: snapshot_names
SELECT c.id, c.name_th, c.name_en, p.region
FROM communities c JOIN provinces p ON p.code = c.province_code
WHERE c.id = ANY($1::bigint[]);

-- name: item_names
SELECT id, name_th, name_en, unit, reference_value FROM items WHERE id = ANY($1::text[]);

-- Holds: conditional, so nothing is ever reserved beyond what remains (the CHECK is the backstop).
-- name: reserve_offer
UPDATE offers SET held = held + $2, updated_at = now()
WHERE id = $1 AND status = 'open' AND quantity - held - delivered >= $2
RETURNING id;

-- name: reserve_need
UPDATE needs SET held = held + $2, updated_at = now()
WHERE id = $1 AND status = 'open' AND quantity - held - delivered >= $2
RETURNING id;

-- name: release_offer
UPDATE offers SET held = held - $2, updated_at = now() WHERE id = $1;

-- name: release_need
UPDATE needs SET held = held - $2, updated_at = now() WHERE id = $1;

-- name: deliver_offer
-- Delivery closes a listing once nothing is held and what remains is none, or dust: less than its
-- min lot or one step of its item (barter.matching.snapshot.is_dust; no run proposes it again).
-- Its remaining quantity stays as it is, so posted = remaining + held + delivered still holds.
UPDATE offers o
SET held = held - $2, delivered = delivered + $2, updated_at = now(),
    status = CASE WHEN status = 'open' AND held - $2 <= 0
                   AND (quantity - delivered - $2 <= 0 OR quantity - delivered - $2 < min_lot
                        OR quantity - delivered - $2 < (SELECT i.quantity_step FROM items i WHERE i.id = o.item_id))
              THEN 'closed' ELSE status END
WHERE id = $1;

-- name: deliver_need
UPDATE needs n
SET held = held - $2, delivered = delivered + $2, updated_at = now(),
    status = CASE WHEN status = 'open' AND held - $2 <= 0
                   AND (quantity - delivered - $2 <= 0 OR quantity - delivered - $2 < min_lot
                        OR quantity - delivered - $2 < (SELECT i.quantity_step FROM items i WHERE i.id = n.item_id))
              THEN 'closed' ELSE status END
WHERE id = $1;

-- name: insert_proposal
INSERT INTO proposals (run_id, kind, regions, total_value, hold_expires_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
RETURNING id;

-- name: insert_transfer
INSERT INTO proposal_transfers (proposal_id, position, offer_id, need_id, giver_id, receiver_id, item_id,
                                unit, quantity, unit_value, value, distance_km)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: insert_participant
INSERT INTO proposal_participants (proposal_id, community_id, region, gives_value, receives_value,
                                   explanation_th, explanation_en, distance_km, transport_estimate)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: proposal_columns
p.id, p.run_id, p.kind, p.status, p.regions, p.total_value::float8 AS total_value, p.hold_expires_at,
p.reason, p.ended_by, p.created_at, p.updated_at, p.approved_at, p.dispatched_at, p.completed_at, p.ended_at,
p.version, p.ended_by_community, p.ended_by_regions

-- name: get_proposal
SELECT @@proposal_columns@@ FROM proposals p WHERE p.id = $1;

-- name: lock_proposal
SELECT @@proposal_columns@@ FROM proposals p WHERE p.id = $1 FOR UPDATE;

-- name: proposal_transfers
SELECT t.proposal_id, t.position, t.offer_id, t.need_id, t.giver_id, t.receiver_id, t.item_id,
       i.name_th AS item_name_th, i.name_en AS item_name_en, t.unit, t.quantity::float8 AS quantity,
       t.unit_value::float8 AS unit_value, t.value::float8 AS value, t.distance_km, t.received_at,
       t.received_quantity::float8 AS received_quantity, t.condition, t.receipt_note, t.photo_ref
FROM proposal_transfers t JOIN items i ON i.id = t.item_id
WHERE t.proposal_id = ANY($1::bigint[])
ORDER BY t.proposal_id, t.position;

-- name: proposal_participants
SELECT pp.proposal_id, pp.community_id, c.name_th, c.name_en, pp.region,
       pp.gives_value::float8 AS gives_value, pp.receives_value::float8 AS receives_value,
       pp.explanation_th, pp.explanation_en, pp.accepted_at,
       pp.distance_km::float8 AS distance_km, pp.transport_estimate::float8 AS transport_estimate
FROM proposal_participants pp JOIN communities c ON c.id = pp.community_id
WHERE pp.proposal_id = ANY($1::bigint[])
ORDER BY pp.proposal_id, pp.community_id;

-- name: proposal_places
-- Where each participant of one proposal is: its own point, and its province with the province's
-- centre (services.proposals.places tells a caller one or the other).
SELECT pp.community_id, pr.region, c.lat, c.lon, c.province_code,
       pr.name_th AS province_name_th, pr.name_en AS province_name_en,
       pr.lat AS province_lat, pr.lon AS province_lon
FROM proposal_participants pp
JOIN communities c ON c.id = pp.community_id
JOIN provinces pr ON pr.code = c.province_code
WHERE pp.proposal_id = $1
ORDER BY pp.community_id;

-- name: proposal_approvals
SELECT proposal_id, region, approved_at, approved_by FROM proposal_approvals
WHERE proposal_id = ANY($1::bigint[])
ORDER BY proposal_id, region;

-- name: list_proposals
-- Visible: everything ($1: admins, national partners), a coordinator's regions (any of them),
-- a partner's grant (all of the proposal's regions), or a community's own proposals.
SELECT @@proposal_columns@@ FROM proposals p
WHERE ($1::bool OR p.regions && $2::text[] OR p.regions <@ $10::text[]
       OR EXISTS (SELECT 1 FROM proposal_participants pp WHERE pp.proposal_id = p.id AND pp.community_id = $3))
  AND ($4::bigint IS NULL OR p.run_id = $4)
  AND ($5::text IS NULL OR p.status = $5)
  AND ($6::text IS NULL OR $6 = ANY(p.regions))
  AND ($7::bigint IS NULL OR EXISTS (
        SELECT 1 FROM proposal_participants pp WHERE pp.proposal_id = p.id AND pp.community_id = $7))
  AND ($8::bigint IS NULL OR p.id < $8)
ORDER BY p.id DESC
LIMIT $9;

-- name: record_answers
-- Participants accept ($5) and regions approve ($6), and the proposal moves to $2 (its own status
-- when this answer does not complete it): one statement, returning the proposal as it now is.
WITH accepted AS (
    UPDATE proposal_participants SET accepted_at = $3, accepted_by = $4
    WHERE proposal_id = $1 AND community_id = ANY($5::bigint[]) AND accepted_at IS NULL
), approved AS (
    INSERT INTO proposal_approvals (proposal_id, region, approved_at, approved_by)
    SELECT $1, region, $3, $4 FROM unnest($6::text[]) AS region
    ON CONFLICT (proposal_id, region) DO NOTHING
)
UPDATE proposals p
SET status = $2, updated_at = $3, version = p.version + 1,
    approved_at = CASE WHEN $2 = 'approved' THEN $3 ELSE p.approved_at END
WHERE p.id = $1
RETURNING @@proposal_columns@@;

-- name: set_proposal_status
UPDATE proposals
SET status = $2, reason = coalesce($3, reason), updated_at = $4, version = version + 1,
    ended_by = coalesce($5, ended_by),
    approved_at = CASE WHEN $2 = 'approved' THEN $4 ELSE approved_at END,
    dispatched_at = CASE WHEN $2 = 'in_transit' THEN $4 ELSE dispatched_at END,
    completed_at = CASE WHEN $2 = 'completed' THEN $4 ELSE completed_at END,
    ended_at = CASE WHEN $2 IN ('completed', 'rejected', 'expired', 'cancelled') THEN $4 ELSE ended_at END
WHERE id = $1;

-- name: touch_proposal
UPDATE proposals SET updated_at = $2, version = version + 1 WHERE id = $1;

-- name: mark_received
UPDATE proposal_transfers SET received_at = $3, received_by = $4,
    received_quantity = coalesce(received_quantity, quantity), condition = coalesce(condition, 'good')
WHERE proposal_id = $1 AND receiver_id = $2 AND received_at IS NULL;

-- What arrived on one transfer (the quantity and its condition); full and good when not given.
-- name: record_receipt
UPDATE proposal_transfers
SET received_quantity = coalesce($3, quantity), condition = coalesce($4, 'good'), receipt_note = $5,
    photo_ref = $6
WHERE proposal_id = $1 AND position = $2 AND received_at IS NULL;

-- name: due_expiries
SELECT id FROM proposals
WHERE status = 'proposed' AND hold_expires_at <= $1
ORDER BY id
LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: insert_ledger_entry
INSERT INTO ledger_entries (community_id, proposal_id, position, direction, counterpart_id, item_id, unit,
                            quantity, value, at, planned_quantity, entry)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: account_by_item_month
SELECT to_char(l.at AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM') AS month, l.item_id,
       i.name_th AS item_name_th, i.name_en AS item_name_en, l.unit,
       coalesce(sum(l.quantity) FILTER (WHERE l.direction = 'gave'), 0)::float8 AS gave_quantity,
       coalesce(sum(l.value) FILTER (WHERE l.direction = 'gave'), 0)::float8 AS gave_value,
       coalesce(sum(l.quantity) FILTER (WHERE l.direction = 'received'), 0)::float8 AS received_quantity,
       coalesce(sum(l.value) FILTER (WHERE l.direction = 'received'), 0)::float8 AS received_value,
       count(DISTINCT l.proposal_id)::int AS exchanges,
       coalesce(sum(l.planned_quantity) FILTER (WHERE l.direction = 'gave'), 0)::float8 AS planned_gave_quantity,
       coalesce(sum(l.planned_quantity) FILTER (WHERE l.direction = 'received'), 0)::float8
           AS planned_received_quantity
FROM ledger_entries l JOIN items i ON i.id = l.item_id
WHERE l.community_id = $1
GROUP BY 1, l.item_id, i.name_th, i.name_en, l.unit
ORDER BY 1, l.item_id;

-- name: count_ledger_exchanges
SELECT count(DISTINCT proposal_id)::int FROM ledger_entries WHERE community_id = $1;
