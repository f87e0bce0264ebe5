-- name: need_columns
n.id, n.community_id, c.name_th AS community_name_th, c.name_en AS community_name_en,
c.province_code, p.region, n.item_id, i.name_th AS item_name_th, i.name_en AS item_name_en,
n.category_id, n.accept_offer_ids, n.unit, n.quantity::float8 AS quantity, n.held::float8 AS held,
n.delivered::float8 AS delivered, n.remaining::float8 AS remaining, n.min_lot::float8 AS min_lot,
n.needed_by, n.priority, n.max_distance_km, n.note, n.status, n.created_at, n.updated_at, n.version,
n.own_value::float8 AS own_value, i.quantity_step::float8 AS quantity_step

-- name: need_joins
JOIN communities c ON c.id = n.community_id
JOIN provinces p ON p.code = c.province_code
LEFT JOIN items i ON i.id = n.item_id
LEFT JOIN categories cat ON cat.id = coalesce(n.category_id, i.category_id)

-- name: insert_need
WITH n AS (
    INSERT INTO needs (community_id, item_id, category_id, accept_offer_ids, unit, quantity, min_lot,
                       needed_by, priority, max_distance_km, note, own_value)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    RETURNING *
)
SELECT @@need_columns@@, NULL::float8 AS distance_km FROM n @@need_joins@@;

-- name: get_need
SELECT @@need_columns@@, NULL::float8 AS distance_km FROM needs n @@need_joins@@ WHERE n.id = $1;

-- name: get_need_for_update
SELECT @@need_columns@@, NULL::float8 AS distance_km FROM needs n @@need_joins@@ WHERE n.id = $1
FOR UPDATE OF n;

-- name: update_need
WITH n AS (
    UPDATE needs
    SET item_id = $2, category_id = $3, accept_offer_ids = $4, unit = $5, quantity = $6, min_lot = $7,
        needed_by = $8, priority = $9, max_distance_km = $10, note = $11, status = $12, own_value = $13,
        updated_at = now(), version = version + 1
    WHERE id = $1
    RETURNING *
)
SELECT @@need_columns@@, NULL::float8 AS distance_km FROM n @@need_joins@@;

-- name: list_needs
SELECT @@need_columns@@, d.distance_km
FROM needs n @@need_joins@@
@@distance_from_point@@
WHERE ($1::text IS NULL OR p.region = $1)
  AND ($2::text IS NULL OR c.province_code = $2)
  AND ($3::text IS NULL OR n.category_id = $3 OR i.category_id = $3)
  AND ($4::text IS NULL OR n.item_id = $4)
  AND ($5::bigint IS NULL OR n.community_id = $5)
  AND n.status = $6
  -- text: the few matching items and communities first, so the scan in sort order stops at the page
  AND ($7::text IS NULL
       OR n.item_id IN (SELECT id FROM items WHERE search_text LIKE $7 ESCAPE '\')
       OR n.community_id IN (SELECT id FROM communities WHERE search_text LIKE $7 ESCAPE '\')
       OR lower(cat.name_th || ' ' || cat.name_en) LIKE $7 ESCAPE '\')
  AND ($10::float8 IS NULL OR (
        k.at[0] BETWEEN $8 - $10 / 110.0 AND $8 + $10 / 110.0 AND d.distance_km <= $10))
  AND (n.status = 'open' OR $11::bool OR p.region = ANY($12::text[]) OR n.community_id = $13::bigint)
  AND ($15::bigint IS NULL OR (@@sort_key@@, n.id) @@sort_cmp@@ ($14::@@sort_type@@, $15::bigint))
ORDER BY @@sort_key@@ @@sort_dir@@, n.id @@sort_dir@@
LIMIT $16;
