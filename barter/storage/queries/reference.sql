-- name: list_regions
SELECT r.code, r.name_th, r.name_en, count(p.code)::int AS province_count
FROM regions r LEFT JOIN provinces p ON p.region = r.code
GROUP BY r.code ORDER BY r.position;

-- name: list_provinces
SELECT code, name_th, name_en, region, lat, lon
FROM provinces
WHERE ($1::text IS NULL OR region = $1)
ORDER BY code;

-- name: get_province
SELECT code, name_th, name_en, region, lat, lon FROM provinces WHERE code = $1;

-- name: get_subdistrict
SELECT code, province_code, name_th, name_en, lat, lon FROM subdistricts WHERE code = $1;

-- name: list_categories
SELECT c.id, c.name_th, c.name_en, count(i.id)::int AS item_count
FROM categories c LEFT JOIN items i ON i.category_id = c.id
GROUP BY c.id ORDER BY c.position, c.id;

-- name: list_items
SELECT id, category_id, name_th, name_en, unit, kg_per_unit::float8 AS kg_per_unit,
       shelf_life_days, reference_value::float8 AS reference_value, quantity_step::float8 AS quantity_step,
       version, counted_th, synonyms_th, added_at
FROM items
WHERE ($1::text IS NULL OR category_id = $1)
  AND ($2::text IS NULL OR search_text LIKE $2 ESCAPE '\')
ORDER BY category_id, id;

-- name: get_item
SELECT id, category_id, name_th, name_en, unit, kg_per_unit::float8 AS kg_per_unit,
       shelf_life_days, reference_value::float8 AS reference_value, quantity_step::float8 AS quantity_step,
       version, counted_th, synonyms_th, added_at
FROM items WHERE id = $1;

-- name: category_exists
SELECT EXISTS (SELECT 1 FROM categories WHERE id = $1);

-- name: reference_checksum
SELECT checksum FROM reference_loads WHERE name = $1;

-- name: record_reference_load
INSERT INTO reference_loads (name, checksum) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, loaded_at = now();

-- name: upsert_region
INSERT INTO regions (code, name_th, name_en, position) VALUES ($1, $2, $3, $4)
ON CONFLICT (code) DO UPDATE SET name_th = EXCLUDED.name_th, name_en = EXCLUDED.name_en,
                                 position = EXCLUDED.position;

-- name: upsert_province
INSERT INTO provinces (code, name_th, name_en, region, lat, lon) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (code) DO UPDATE SET name_th = EXCLUDED.name_th, name_en = EXCLUDED.name_en,
                                 region = EXCLUDED.region, lat = EXCLUDED.lat, lon = EXCLUDED.lon;

-- name: upsert_subdistrict
INSERT INTO subdistricts (code, province_code, name_th, name_en, lat, lon) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (code) DO UPDATE SET province_code = EXCLUDED.province_code, name_th = EXCLUDED.name_th,
                                 name_en = EXCLUDED.name_en, lat = EXCLUDED.lat, lon = EXCLUDED.lon;

-- name: upsert_category
INSERT INTO categories (id, name_th, name_en, position) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET name_th = EXCLUDED.name_th, name_en = EXCLUDED.name_en,
                               position = EXCLUDED.position;

-- name: insert_item_if_new
-- Reference values may have been changed by coordinators since: a reload never overwrites them
-- (only the quantity step, which is how the goods come, the words Thai calls and counts them by,
-- and their place in the catalogue follow the file). Goods the network added are never touched
-- (the loader leaves out a file item whose id or Thai name one of them holds, and a synonym one of
-- them is called by: network_item_names).
INSERT INTO items (id, category_id, name_th, name_en, unit, kg_per_unit, shelf_life_days, reference_value,
                   quantity_step, synonyms_th, counted_th, position)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (id) DO UPDATE SET quantity_step = EXCLUDED.quantity_step, synonyms_th = EXCLUDED.synonyms_th,
                               counted_th = EXCLUDED.counted_th, position = EXCLUDED.position
WHERE items.added_by IS NULL;

-- name: network_item_names
-- The ids and Thai names (its name and other names) of the goods the network added: a catalogue
-- file naming one is not loaded over them.
SELECT id, name_th, synonyms_th FROM items WHERE added_by IS NOT NULL;

-- name: category_units
SELECT DISTINCT unit FROM items WHERE category_id = $1 ORDER BY unit;
