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
