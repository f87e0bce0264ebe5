-- name: offer_columns
o.id, o.community_id, c.name_th AS community_name_th, c.name_en AS community_name_en,
c.province_code, p.region, o.item_id, i.name_th AS item_name_th, i.name_en AS item_name_en,
i.category_id, i.unit, o.quantity::float8 AS quantity, o.held::float8 AS held,
o.delivered::float8 AS delivered, o.remaining::float8 AS remaining, o.min_lot::float8 AS min_lot,
o.available_from, o.available_until, o.gift, o.note, o.status, o.created_at, o.updated_at, o.version,
o.own_value::float8 AS own_value, o.min_ratio_item_id, o.min_ratio::float8 AS min_ratio,
i.quantity_step::float8 AS quantity_step, o.recur_every, o.recur_quantity::float8 AS recur_quantity,
o.recur_until, o.recur_next

-- name: offer_joins
JOIN communities c ON c.id = o.community_id
JOIN provinces p ON p.code = c.province_code
JOIN items i ON i.id = o.item_id

-- name: insert_offer
WITH o AS (
    INSERT INTO offers (community_id, item_id, quantity, min_lot, available_from, available_until, gift, note,
                        own_value, min_ratio_item_id, min_ratio, recur_every, recur_quantity, recur_until,
                        recur_next)
    -- a recurring offer opens its next quantity one period after it becomes available (from today's
    -- Thai date on the service's clock, $15, when it is available at once)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
            CASE WHEN $12::text IS NULL THEN NULL
                 ELSE (coalesce($5::date, $15::date)
                       + CASE $12::text WHEN 'week' THEN interval '7 days' ELSE interval '1 month' END)::date END)
    RETURNING *
)
SELECT @@offer_columns@@, NULL::float8 AS distance_km FROM o @@offer_joins@@;

-- name: get_offer
SELECT @@offer_columns@@, NULL::float8 AS distance_km FROM offers o @@offer_joins@@ WHERE o.id = $1;

-- name: get_offer_for_update
SELECT @@offer_columns@@, NULL::float8 AS distance_km FROM offers o @@offer_joins@@ WHERE o.id = $1
FOR UPDATE OF o;

-- name: update_offer
WITH o AS (
    UPDATE offers
    SET item_id = $2, quantity = $3, min_lot = $4, available_from = $5, available_until = $6,
        gift = $7, note = $8, status = $9, own_value = $10, min_ratio_item_id = $11, min_ratio = $12,
        updated_at = now(), version = version + 1
    WHERE id = $1
    RETURNING *
)
SELECT @@offer_columns@@, NULL::float8 AS distance_km FROM o @@offer_joins@@;

-- name: offers_exist
SELECT o.id, o.community_id, o.status, i.unit
FROM offers o JOIN items i ON i.id = o.item_id
WHERE o.id = ANY($1::bigint[]);

-- name: distance_from_point
-- (a fragment: great-circle kilometres from ($8, $9) to where the caller may know the community is,
-- NULL without a point. Caller.point_scope: its own point for every community ($17), those of the
-- regions $18 and the community $19; else the centre of its province, so that distances and
-- `within_km` never tell more than the province.)
CROSS JOIN LATERAL (
    SELECT (CASE WHEN $17::bool OR p.region = ANY($18::text[]) OR c.id = $19::bigint
                 THEN point(c.lat, c.lon) ELSE point(p.lat, p.lon) END) AS at
) k
CROSS JOIN LATERAL (
    SELECT CASE WHEN $8::float8 IS NULL OR $9::float8 IS NULL THEN NULL ELSE
        6371.0088 * 2 * asin(least(1.0, sqrt(
            power(sin(radians(k.at[0] - $8::float8) / 2), 2)
            + cos(radians($8::float8)) * cos(radians(k.at[0])) * power(sin(radians(k.at[1] - $9::float8) / 2), 2))))
    END AS distance_km
) d

-- name: list_offers
SELECT @@offer_columns@@, d.distance_km
FROM offers o @@offer_joins@@
@@distance_from_point@@
WHERE ($1::text IS NULL OR p.region = $1)
  AND ($2::text IS NULL OR c.province_code = $2)
  AND ($3::text IS NULL OR i.category_id = $3)
  AND ($4::text IS NULL OR o.item_id = $4)
  AND ($5::bigint IS NULL OR o.community_id = $5)
  AND o.status = $6
  -- text: the few matching items and communities first, so the scan in sort order stops at the page
  AND ($7::text IS NULL
       OR o.item_id IN (SELECT id FROM items WHERE search_text LIKE $7 ESCAPE '\')
       OR o.community_id IN (SELECT id FROM communities WHERE search_text LIKE $7 ESCAPE '\'))
  AND ($10::float8 IS NULL OR (
        k.at[0] BETWEEN $8 - $10 / 110.0 AND $8 + $10 / 110.0 AND d.distance_km <= $10))
  -- only open listings are public; the rest only to whoever acts for the community
  AND (o.status = 'open' OR $11::bool OR p.region = ANY($12::text[]) OR o.community_id = $13::bigint)
  AND ($15::bigint IS NULL OR (@@sort_key@@, o.id) @@sort_cmp@@ ($14::@@sort_type@@, $15::bigint))
ORDER BY @@sort_key@@ @@sort_dir@@, o.id @@sort_dir@@
LIMIT $16;

-- name: open_recurring_offers
-- A recurring offer whose next date has come opens one more period's quantity (a fully delivered
-- one reopens); `recur_next` moves on one period. Run until no row changes to catch up.
-- Months are counted from the offer's first day (available_from, else the Thai day it was
-- posted), not from the last opening: from 31 January it opens 28 February, then 31 March (a
-- month after 28 February is 28 March, and every month after that would open on the 28th).
UPDATE offers o
SET quantity = o.quantity + o.recur_quantity,
    status = 'open',
    recur_next = CASE
        WHEN o.recur_every = 'week' THEN o.recur_next + 7
        WHEN (s.first + make_interval(months => s.months))::date > o.recur_next
            THEN (s.first + make_interval(months => s.months))::date
        ELSE (s.first + make_interval(months => s.months + 1))::date END,
    updated_at = now(), version = o.version + 1
FROM offers f
CROSS JOIN LATERAL (SELECT coalesce(f.available_from, (f.created_at AT TIME ZONE 'Asia/Bangkok')::date) AS first) a
CROSS JOIN LATERAL (SELECT a.first, ((extract(year FROM f.recur_next) - extract(year FROM a.first)) * 12
                                     + extract(month FROM f.recur_next) - extract(month FROM a.first))::int AS months) s
WHERE f.id = o.id
  AND o.recur_next IS NOT NULL AND o.recur_next <= $1::date AND o.status IN ('open', 'closed')
  AND (o.recur_until IS NULL OR o.recur_next <= o.recur_until)
RETURNING o.id;
