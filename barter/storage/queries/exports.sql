-- name: export_listings
-- Every listing the list query (unlimited, filled in as `listing`) finds, within the regions $20 (NULL = all),
-- with the community's point for GeoJSON; oldest first, so an export reads like a ledger.
SELECT x.*, c.lat, c.lon
FROM (@@listing@@) x
JOIN communities c ON c.id = x.community_id
WHERE ($20::text[] IS NULL OR x.region = ANY($20::text[]))
ORDER BY x.created_at, x.id;

-- name: export_proposals
-- One row per transfer of every proposal that touches the regions $7 (NULL = all), whole (all its
-- transfers, whichever region they are in), as the proposal list shows it; for a partner ($8) every
-- region of the proposal must be within its grant, the rule of the list and of webhooks: filters $1 region,
-- $2 status, $3 run, $4 participant community, $5..$6 created on these Thai dates. In creation order.
SELECT t.proposal_id, t.position, p.run_id, p.kind, p.status, p.regions,
       (SELECT count(*) FROM proposal_participants pp WHERE pp.proposal_id = p.id)::int AS participants,
       p.total_value::float8 AS proposal_value,
       t.giver_id, g.name_th AS giver_name_th, g.name_en AS giver_name_en,
       g.province_code AS giver_province_code, gp.region AS giver_region, g.lat AS giver_lat, g.lon AS giver_lon,
       t.receiver_id, r.name_th AS receiver_name_th, r.name_en AS receiver_name_en,
       r.province_code AS receiver_province_code, rp.region AS receiver_region,
       r.lat AS receiver_lat, r.lon AS receiver_lon,
       t.offer_id, t.need_id, t.item_id, i.name_th AS item_name_th, i.name_en AS item_name_en, i.category_id,
       t.unit, t.quantity::float8 AS quantity, t.unit_value::float8 AS unit_value, t.value::float8 AS value,
       t.distance_km, t.received_at, p.reason, p.created_at, p.approved_at, p.dispatched_at, p.completed_at,
       p.ended_at
FROM proposals p
JOIN proposal_transfers t ON t.proposal_id = p.id
JOIN communities g ON g.id = t.giver_id
JOIN provinces gp ON gp.code = g.province_code
JOIN communities r ON r.id = t.receiver_id
JOIN provinces rp ON rp.code = r.province_code
JOIN items i ON i.id = t.item_id
WHERE ($7::text[] IS NULL OR (CASE WHEN $8::bool THEN p.regions <@ $7::text[] ELSE p.regions && $7::text[] END))
  AND ($1::text IS NULL OR $1 = ANY(p.regions))
  AND ($2::text IS NULL OR p.status = $2)
  AND ($3::bigint IS NULL OR p.run_id = $3)
  AND ($4::bigint IS NULL OR EXISTS (
        SELECT 1 FROM proposal_participants pp WHERE pp.proposal_id = p.id AND pp.community_id = $4))
  AND ($5::date IS NULL OR p.created_at >= ($5::date::timestamp AT TIME ZONE 'Asia/Bangkok'))
  AND ($6::date IS NULL OR p.created_at < (($6::date + 1)::timestamp AT TIME ZONE 'Asia/Bangkok'))
ORDER BY p.id, t.position;

-- name: export_ledger
-- Every ledger entry of a community in the regions $7 (NULL = all): filters $1 region (the
-- community's), $2 direction, $3 run, $4 community, $5..$6 booked on these Thai dates. Oldest first.
SELECT l.id, l.at, l.community_id, c.name_th AS community_name_th, c.name_en AS community_name_en,
       c.province_code, p.region, c.lat, c.lon, l.direction,
       l.counterpart_id, cc.name_th AS counterpart_name_th, cc.name_en AS counterpart_name_en,
       cp.region AS counterpart_region,
       l.item_id, i.name_th AS item_name_th, i.name_en AS item_name_en, i.category_id, l.unit,
       l.quantity::float8 AS quantity, l.value::float8 AS value, l.proposal_id, x.run_id, l.position
FROM ledger_entries l
JOIN communities c ON c.id = l.community_id
JOIN provinces p ON p.code = c.province_code
JOIN communities cc ON cc.id = l.counterpart_id
JOIN provinces cp ON cp.code = cc.province_code
JOIN items i ON i.id = l.item_id
JOIN proposals x ON x.id = l.proposal_id
WHERE ($7::text[] IS NULL OR p.region = ANY($7::text[]))
  AND ($1::text IS NULL OR p.region = $1)
  AND ($2::text IS NULL OR l.direction = $2)
  AND ($3::bigint IS NULL OR x.run_id = $3)
  AND ($4::bigint IS NULL OR l.community_id = $4)
  AND ($5::date IS NULL OR l.at >= ($5::date::timestamp AT TIME ZONE 'Asia/Bangkok'))
  AND ($6::date IS NULL OR l.at < (($6::date + 1)::timestamp AT TIME ZONE 'Asia/Bangkok'))
ORDER BY l.at, l.id;
