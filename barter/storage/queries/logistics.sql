-- Logistics plans, their shipments, and what became of every transfer.

-- name: plan_candidates
-- Proposals a plan may take, oldest first, with their transfer counts: approved ones (or, for a
-- preview, proposed ones whose hold still runs) touching the scope; a stored plan skips those
-- another active plan already carries.
SELECT p.id, p.regions, (SELECT count(*) FROM proposal_transfers t WHERE t.proposal_id = p.id)::int AS transfers
FROM proposals p
WHERE p.status = $1 AND p.regions && $2::text[]
  AND (p.status <> 'proposed' OR p.hold_expires_at > $3)
  AND ($4::bool OR NOT EXISTS (SELECT 1 FROM planned_proposals pp WHERE pp.proposal_id = p.id))
ORDER BY p.id;

-- name: plannable_transfers
SELECT t.proposal_id, t.position, t.item_id, t.quantity::float8 AS quantity,
       i.kg_per_unit::float8 AS kg_per_unit, i.shelf_life_days, o.available_from, n.needed_by,
       t.giver_id, g.name_th AS giver_name_th, g.name_en AS giver_name_en, g.lat AS giver_lat,
       g.lon AS giver_lon, gp.region AS giver_region,
       t.receiver_id, r.name_th AS receiver_name_th, r.name_en AS receiver_name_en, r.lat AS receiver_lat,
       r.lon AS receiver_lon, rp.region AS receiver_region
FROM proposal_transfers t
JOIN items i ON i.id = t.item_id
JOIN offers o ON o.id = t.offer_id
JOIN needs n ON n.id = t.need_id
JOIN communities g ON g.id = t.giver_id
JOIN provinces gp ON gp.code = g.province_code
JOIN communities r ON r.id = t.receiver_id
JOIN provinces rp ON rp.code = r.province_code
WHERE t.proposal_id = ANY($1::bigint[])
ORDER BY t.proposal_id, t.position;

-- name: share_proposals
-- Taken (in id order) just before a plan is stored: no transition can move them meanwhile.
SELECT id, status FROM proposals WHERE id = ANY($1::bigint[]) ORDER BY id FOR SHARE;

-- name: plan_columns
lp.id, lp.preview, lp.status, lp.scope, lp.regions, lp.proposal_ids, lp.seed, lp.strategy, lp.starts_at,
lp.time_limited, lp.totals, lp.deferred, lp.requested_by, lp.created_at, lp.cancelled_at, lp.version

-- name: insert_plan
INSERT INTO logistics_plans (preview, scope, regions, proposal_ids, seed, strategy, starts_at, time_limited,
                             totals, deferred, places, input, document, requested_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
RETURNING id;

-- name: claim_proposals
-- In id order, so two planners racing for the same proposals cannot deadlock: the second waits
-- for the first, and a proposal the first claimed is not claimed again (not returned): the
-- service names it and the plan that took it (409 planned_meanwhile), not a bare key violation.
INSERT INTO planned_proposals (proposal_id, plan_id)
SELECT id, $2 FROM unnest($1::bigint[]) AS id ORDER BY id
ON CONFLICT (proposal_id) DO NOTHING
RETURNING proposal_id;

-- name: plan_of_proposal
SELECT plan_id FROM planned_proposals WHERE proposal_id = $1;

-- name: insert_plan_transfer
INSERT INTO plan_transfers (plan_id, proposal_id, position, lot, quantity, weight_kg, outcome, km, reason,
                            detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: insert_shipment
INSERT INTO shipments (plan_id, code, vehicle, kind, unit, capacity_kg, regions, km, cost, max_load_kg,
                       departure, arrival, stops, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
RETURNING id;

-- name: insert_shipment_transfer
INSERT INTO shipment_transfers (shipment_id, plan_id, proposal_id, position, lot, leg, legs, pickup, dropoff)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: get_plan
SELECT @@plan_columns@@ FROM logistics_plans lp WHERE lp.id = $1;

-- name: lock_plan
SELECT @@plan_columns@@ FROM logistics_plans lp WHERE lp.id = $1 FOR UPDATE;

-- name: plan_map
SELECT document, places FROM logistics_plans WHERE id = $1;

-- name: plan_input
SELECT input, document FROM logistics_plans WHERE id = $1;

-- name: list_plans
SELECT @@plan_columns@@ FROM logistics_plans lp
WHERE ($1::bool
       OR ($2::text = 'coordinator' AND lp.regions && $3::text[])
       OR ($2::text = 'partner' AND NOT lp.preview AND (cardinality($3::text[]) = 0 OR lp.regions && $3::text[])))
  AND ($4::bool IS NULL OR lp.preview = $4)
  AND ($5::text IS NULL OR lp.status = $5)
  AND ($6::text IS NULL OR $6 = ANY(lp.regions))
  AND ($7::bigint IS NULL OR lp.id < $7)
ORDER BY lp.id DESC
LIMIT $8;

-- name: transfer_ref_columns
x.plan_id, x.proposal_id, x.position, x.lot, t.item_id, i.name_th AS item_name_th, i.name_en AS item_name_en,
t.unit, x.quantity::float8 AS quantity, x.weight_kg, t.giver_id, g.name_th AS giver_name_th,
g.name_en AS giver_name_en, t.receiver_id, r.name_th AS receiver_name_th, r.name_en AS receiver_name_en,
p.status AS proposal_status

-- name: transfer_ref_joins
JOIN proposal_transfers t ON t.proposal_id = x.proposal_id AND t.position = x.position
JOIN proposals p ON p.id = x.proposal_id
JOIN items i ON i.id = t.item_id
JOIN communities g ON g.id = t.giver_id
JOIN communities r ON r.id = t.receiver_id

-- name: plan_transfer_rows
SELECT @@transfer_ref_columns@@, x.outcome, x.km, x.reason, x.detail,
       ARRAY[gp.region, rp.region] AS end_regions
FROM plan_transfers x @@transfer_ref_joins@@
JOIN provinces gp ON gp.code = g.province_code
JOIN provinces rp ON rp.code = r.province_code
WHERE x.plan_id = $1
ORDER BY x.proposal_id, x.position, x.lot;

-- name: shipment_columns
s.id, s.plan_id, s.code, s.status, lp.preview, s.vehicle, s.kind, s.unit, s.capacity_kg, s.regions, s.km,
s.cost, s.max_load_kg, s.departure, s.arrival, s.stops, s.created_at, s.updated_at, s.loading_at,
s.departed_at, s.delivered_at, s.cancelled_at, s.version

-- name: plan_shipments
SELECT @@shipment_columns@@ FROM shipments s JOIN logistics_plans lp ON lp.id = s.plan_id
WHERE s.plan_id = $1
ORDER BY s.id;

-- name: get_shipment
SELECT @@shipment_columns@@ FROM shipments s JOIN logistics_plans lp ON lp.id = s.plan_id WHERE s.id = $1;

-- name: lock_shipment
SELECT @@shipment_columns@@ FROM shipments s JOIN logistics_plans lp ON lp.id = s.plan_id
WHERE s.id = $1
FOR UPDATE OF s;

-- name: carried_rows
SELECT st.shipment_id, st.leg, st.legs, st.pickup, st.dropoff, @@transfer_ref_columns@@
FROM shipment_transfers st
JOIN plan_transfers x ON x.plan_id = st.plan_id AND x.proposal_id = st.proposal_id
                     AND x.position = st.position AND x.lot = st.lot
@@transfer_ref_joins@@
WHERE st.shipment_id = ANY($1::bigint[])
ORDER BY st.shipment_id, st.pickup, x.proposal_id, x.position, x.lot;

-- name: list_shipments
-- Visibility: admins all; coordinators their regions; partners stored plans in their grant
-- regions (all when they have none); communities the shipments carrying their transfers.
-- Shipments of previews appear only when their plan is asked for.
SELECT @@shipment_columns@@ FROM shipments s JOIN logistics_plans lp ON lp.id = s.plan_id
WHERE ($1::bool
       OR ($2::text = 'coordinator' AND s.regions && $3::text[])
       OR ($2::text = 'partner' AND NOT lp.preview
           AND (cardinality($3::text[]) = 0 OR s.regions && $3::text[]))
       OR ($2::text = 'community' AND NOT lp.preview AND EXISTS (
             SELECT 1 FROM shipment_transfers st
             JOIN proposal_transfers t ON t.proposal_id = st.proposal_id AND t.position = st.position
             WHERE st.shipment_id = s.id AND $4::bigint IN (t.giver_id, t.receiver_id))))
  AND (($5::bigint IS NULL AND NOT lp.preview) OR s.plan_id = $5)
  AND ($6::text IS NULL OR s.status = $6)
  AND ($7::text IS NULL OR $7 = ANY(s.regions))
  AND ($8::bigint IS NULL OR s.id < $8)
ORDER BY s.id DESC
LIMIT $9;

-- name: set_shipment_status
UPDATE shipments
SET status = $2, updated_at = $3, version = version + 1,
    loading_at = CASE WHEN $2 = 'loading' THEN $3 ELSE loading_at END,
    departed_at = CASE WHEN $2 = 'on_the_road' THEN coalesce(departed_at, $3) ELSE departed_at END
WHERE id = $1;

-- name: lock_followers
-- The live shipments of active stored plans that carry a proposal, locked in id order.
SELECT s.id FROM shipments s JOIN logistics_plans lp ON lp.id = s.plan_id
WHERE lp.status = 'active' AND NOT lp.preview AND s.status NOT IN ('delivered', 'cancelled')
  AND s.id IN (SELECT st.shipment_id FROM shipment_transfers st WHERE st.proposal_id = $1)
ORDER BY s.id
FOR UPDATE OF s;

-- name: follow_proposals
-- Shipments follow the proposals they carry, forward only: on the road once every one is
-- dispatched (or done), delivered once every one is completed, cancelled when every one is.
WITH state AS (
    SELECT st.shipment_id,
           CASE WHEN bool_and(p.status = 'cancelled') THEN 'cancelled'
                WHEN bool_and(p.status IN ('completed', 'cancelled')) THEN 'delivered'
                WHEN bool_and(p.status IN ('in_transit', 'completed', 'cancelled')) THEN 'on_the_road'
           END AS status
    FROM shipment_transfers st JOIN proposals p ON p.id = st.proposal_id
    WHERE st.shipment_id = ANY($1::bigint[])
    GROUP BY st.shipment_id
)
UPDATE shipments s
SET status = state.status, updated_at = $2, version = s.version + 1,
    departed_at = CASE WHEN state.status IN ('on_the_road', 'delivered') THEN coalesce(s.departed_at, $2)
                       ELSE s.departed_at END,
    delivered_at = CASE WHEN state.status = 'delivered' THEN $2 ELSE s.delivered_at END,
    cancelled_at = CASE WHEN state.status = 'cancelled' THEN $2 ELSE s.cancelled_at END
FROM state
WHERE s.id = state.shipment_id AND state.status IS NOT NULL
  AND (state.status = 'cancelled'
       OR array_position(ARRAY['planned', 'loading', 'on_the_road', 'delivered'], state.status)
          > array_position(ARRAY['planned', 'loading', 'on_the_road', 'delivered'], s.status))
RETURNING s.id, s.status;

-- name: lock_plan_shipments
SELECT id, code, status FROM shipments WHERE plan_id = $1 ORDER BY id FOR UPDATE;

-- name: cancel_plan
UPDATE logistics_plans SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, version = version + 1
WHERE id = $1;

-- name: cancel_plan_shipments
UPDATE shipments SET status = 'cancelled', cancelled_at = $2, updated_at = $2, version = version + 1
WHERE plan_id = $1 AND status <> 'cancelled';

-- name: release_plan_claims
DELETE FROM planned_proposals WHERE plan_id = $1;
