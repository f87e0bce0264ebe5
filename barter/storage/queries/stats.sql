-- name: supply_demand_listings
-- (a fragment: one row per offer and need in the regions $1 (NULL = all), with every cell key it
-- can be grouped by; open = remaining of open listings, matched = held, delivered = delivered)
SELECT 'offered' AS side, o.community_id, i.unit, i.reference_value AS unit_value,
       CASE WHEN o.status = 'open' THEN o.remaining ELSE 0 END AS open_qty, o.held, o.delivered,
       r.code AS region, r.name_th AS region_th, r.name_en AS region_en, r.position AS region_position,
       p.code AS province, p.name_th AS province_th, p.name_en AS province_en,
       cat.id AS category, cat.name_th AS category_th, cat.name_en AS category_en,
       cat.position AS category_position,
       i.id AS item, i.name_th AS item_th, i.name_en AS item_en,
       to_char(o.created_at AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM') AS month
FROM offers o
JOIN communities c ON c.id = o.community_id
JOIN provinces p ON p.code = c.province_code
JOIN regions r ON r.code = p.region
JOIN items i ON i.id = o.item_id
JOIN categories cat ON cat.id = i.category_id
WHERE ($1::text[] IS NULL OR p.region = ANY($1::text[]))
UNION ALL
-- A need names an item, a category, or offers it accepts (counted as the item of the first, most
-- wanted one). A category need is valued at the mean reference value of that category's items in
-- the need's unit, and sits in an "any <category>" cell when grouped by item.
SELECT 'needed', n.community_id, n.unit, coalesce(i.reference_value, cv.value),
       CASE WHEN n.status = 'open' THEN n.remaining ELSE 0 END, n.held, n.delivered,
       r.code, r.name_th, r.name_en, r.position,
       p.code, p.name_th, p.name_en,
       cat.id, cat.name_th, cat.name_en, cat.position,
       coalesce(i.id, 'any:' || cat.id), coalesce(i.name_th, cat.name_th || ' (ชนิดใดก็ได้)'),
       coalesce(i.name_en, 'any ' || lower(cat.name_en)),
       to_char(n.created_at AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM')
FROM needs n
JOIN communities c ON c.id = n.community_id
JOIN provinces p ON p.code = c.province_code
JOIN regions r ON r.code = p.region
LEFT JOIN LATERAL (SELECT ao.item_id FROM offers ao WHERE ao.id = n.accept_offer_ids[1]) first_accepted ON true
LEFT JOIN items i ON i.id = coalesce(n.item_id, first_accepted.item_id)
JOIN categories cat ON cat.id = coalesce(n.category_id, i.category_id)
LEFT JOIN LATERAL (
    SELECT avg(ci.reference_value) AS value FROM items ci WHERE ci.category_id = cat.id AND ci.unit = n.unit
) cv ON true
WHERE ($1::text[] IS NULL OR p.region = ANY($1::text[]))

-- name: supply_demand
-- One row per cell (side and unit NULL: its distinct communities) and per cell, side and unit
-- (quantities and values). @@cell@@ picks the key, labels and order from the fragment's columns.
WITH listing AS (@@supply_demand_listings@@),
cell AS (
    SELECT @@cell@@, side, unit, community_id, open_qty, held, delivered, unit_value
    FROM listing
    WHERE open_qty > 0 OR held > 0 OR delivered > 0
)
SELECT key, label_th, label_en, sort_key, side, unit,
       count(DISTINCT community_id) AS communities,
       sum(open_qty)::float8 AS open_quantity, coalesce(sum(open_qty * unit_value), 0)::float8 AS open_value,
       sum(held)::float8 AS matched_quantity, coalesce(sum(held * unit_value), 0)::float8 AS matched_value,
       sum(delivered)::float8 AS delivered_quantity,
       coalesce(sum(delivered * unit_value), 0)::float8 AS delivered_value
FROM cell
GROUP BY GROUPING SETS ((key, label_th, label_en, sort_key), (key, label_th, label_en, sort_key, side, unit))
ORDER BY sort_key, key, side NULLS FIRST, unit NULLS FIRST;

-- name: exchange_cells
-- (a fragment of a WITH. `pr`: one row per proposal and each of its regions read ($1, NULL = all),
-- for proposals created on the Thai dates $2 to $3 (NULL = open), with the cell it counts in, as
-- @@cell@@ picks it; `cp`: one row per cell and proposal. A proposal counts in every region cell
-- it touches; its values and communities count where each community is.)
pr AS (
    SELECT @@cell@@, s.proposal_id, s.region
    FROM (
        SELECT p.id AS proposal_id, u.region, r.name_th AS region_th, r.name_en AS region_en,
               r.position AS region_position,
               to_char(p.created_at AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM') AS month
        FROM proposals p
        CROSS JOIN LATERAL unnest(p.regions) AS u(region)
        JOIN regions r ON r.code = u.region
        WHERE ($1::text[] IS NULL OR u.region = ANY($1::text[]))
          AND ($2::date IS NULL OR p.created_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Bangkok'))
          AND ($3::date IS NULL OR p.created_at < (($3::date + 1)::timestamp AT TIME ZONE 'Asia/Bangkok'))
    ) s
),
cp AS (SELECT DISTINCT key, label_th, label_en, sort_key, proposal_id FROM pr)

-- name: proposal_ending
-- (a fragment: the audited decision that ended proposal p, when one did: decline, reject or cancel)
LEFT JOIN LATERAL (
    SELECT a.action FROM audit_log a
    WHERE p.status IN ('rejected', 'cancelled') AND a.entity = 'proposal' AND a.entity_id = p.id::text
      AND a.action IN ('decline', 'reject', 'cancel')
    ORDER BY a.id DESC
    LIMIT 1
) ending ON true

-- name: exchange_stats
-- Per cell: its communities (participants from the cell's regions), proposals by state, the value
-- the cell's communities give (in every proposal, in those that reached approval, in completed
-- ones), approval times (created -> approved, seconds) and how proposals ended.
WITH @@exchange_cells@@,
members AS (
    SELECT pr.key, count(DISTINCT pp.community_id)::int AS communities
    FROM pr JOIN proposal_participants pp ON pp.proposal_id = pr.proposal_id AND pp.region = pr.region
    GROUP BY pr.key
),
given AS (
    SELECT pr.key, pr.proposal_id, sum(t.value) AS value
    FROM pr
    JOIN proposal_participants pp ON pp.proposal_id = pr.proposal_id AND pp.region = pr.region
    JOIN proposal_transfers t ON t.proposal_id = pp.proposal_id AND t.giver_id = pp.community_id
    GROUP BY pr.key, pr.proposal_id
)
SELECT cp.key, cp.label_th, cp.label_en, m.communities,
       count(*)::int AS total,
       count(*) FILTER (WHERE p.status = 'proposed')::int AS proposed,
       count(*) FILTER (WHERE p.status = 'approved')::int AS approved,
       count(*) FILTER (WHERE p.status = 'in_transit')::int AS in_transit,
       count(*) FILTER (WHERE p.status = 'completed')::int AS completed,
       count(*) FILTER (WHERE p.status = 'rejected')::int AS rejected,
       count(*) FILTER (WHERE p.status = 'expired')::int AS expired,
       count(*) FILTER (WHERE p.status = 'cancelled')::int AS cancelled,
       coalesce(sum(g.value), 0)::float8 AS proposed_value,
       coalesce(sum(g.value) FILTER (WHERE p.approved_at IS NOT NULL), 0)::float8 AS approved_value,
       coalesce(sum(g.value) FILTER (WHERE p.status = 'completed'), 0)::float8 AS completed_value,
       count(*) FILTER (WHERE p.approved_at IS NOT NULL)::int AS approvals,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.approved_at - p.created_at)::float8)
           FILTER (WHERE p.approved_at IS NOT NULL) AS approval_median_s,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM p.approved_at - p.created_at)::float8)
           FILTER (WHERE p.approved_at IS NOT NULL) AS approval_p90_s,
       count(*) FILTER (WHERE p.status = 'rejected' AND ending.action = 'decline')::int AS declined,
       count(*) FILTER (WHERE p.status = 'rejected' AND ending.action IS DISTINCT FROM 'decline')::int
           AS rejected_by_coordinator
FROM cp
JOIN proposals p ON p.id = cp.proposal_id
JOIN members m ON m.key = cp.key
LEFT JOIN given g ON g.key = cp.key AND g.proposal_id = cp.proposal_id
@@proposal_ending@@
GROUP BY cp.key, cp.label_th, cp.label_en, cp.sort_key, m.communities
ORDER BY cp.sort_key, cp.key;

-- name: exchange_lengths
-- Per cell: how many proposals of each kind (cycle, chain) had how many participant communities.
WITH @@exchange_cells@@
SELECT cp.key, p.kind, n.participants, count(*)::int AS proposals
FROM cp
JOIN proposals p ON p.id = cp.proposal_id
CROSS JOIN LATERAL (
    SELECT count(*)::int AS participants FROM proposal_participants pp WHERE pp.proposal_id = p.id
) n
GROUP BY cp.key, p.kind, n.participants
ORDER BY cp.key, p.kind DESC, n.participants;

-- name: exchange_reasons
-- Per cell: the $4 most frequent reasons given to decline, reject or cancel, verbatim (trimmed).
WITH @@exchange_cells@@,
counted AS (
    SELECT cp.key, coalesce(ending.action, CASE p.status WHEN 'cancelled' THEN 'cancel' ELSE 'reject' END)
               AS action,
           btrim(p.reason) AS reason, count(*)::int AS proposals
    FROM cp
    JOIN proposals p ON p.id = cp.proposal_id
    @@proposal_ending@@
    WHERE p.status IN ('rejected', 'cancelled') AND btrim(coalesce(p.reason, '')) <> ''
    GROUP BY cp.key, 2, 3
)
SELECT key, action, reason, proposals
FROM (
    SELECT counted.*, row_number() OVER (PARTITION BY key ORDER BY proposals DESC, reason, action) AS rank
    FROM counted
) ranked
WHERE rank <= $4
ORDER BY key, rank;
