-- Reference values set through the API: national (items.reference_value) or for one region; every
-- change is kept with its version.

-- name: set_national_value
UPDATE items SET reference_value = $2, version = version + 1, updated_at = now()
WHERE id = $1
RETURNING version;

-- name: set_region_value
INSERT INTO item_region_values (item_id, region, value) VALUES ($1, $2, $3)
ON CONFLICT (item_id, region) DO UPDATE
SET value = EXCLUDED.value, version = item_region_values.version + 1, updated_at = now()
RETURNING version;

-- name: current_value
SELECT coalesce((SELECT value FROM item_region_values WHERE item_id = $1 AND region = $2),
                (SELECT reference_value FROM items WHERE id = $1))::float8 AS value,
       coalesce((SELECT version FROM item_region_values WHERE item_id = $1 AND region = $2), 0) AS version;

-- name: insert_value_change
INSERT INTO item_value_changes (item_id, region, value, version, changed_by, reason, at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: value_changes
SELECT item_id, region, value::float8 AS value, version, reason, at
FROM item_value_changes WHERE item_id = $1
ORDER BY at DESC, id DESC
LIMIT 200;

-- name: region_values
SELECT region, value::float8 AS value, version, updated_at FROM item_region_values
WHERE item_id = $1 ORDER BY region;

-- name: catalogue_entries
-- Every item as the readers of goods' names take it (the LINE reader, spreadsheets) and the
-- console's goods page lists it: the shipped catalogue in its file's order, then the items the
-- network added, oldest first; with the other Thai names, the counting word, the version and when
-- the network added it (NULL for the shipped catalogue's).
SELECT id, category_id, name_th, name_en, unit, kg_per_unit::float8 AS kg_per_unit, shelf_life_days,
       reference_value::float8 AS reference_value, quantity_step::float8 AS quantity_step, version,
       counted_th, synonyms_th, added_at
FROM items
ORDER BY position NULLS LAST, added_at, id;

-- name: insert_network_item
-- An item the network adds. ON CONFLICT: the id was taken meanwhile (the caller picks another);
-- a Thai name taken meanwhile fails on items_name_th.
INSERT INTO items (id, category_id, name_th, name_en, unit, kg_per_unit, shelf_life_days, reference_value,
                   quantity_step, synonyms_th, counted_th, added_by, added_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (id) DO NOTHING
RETURNING id;

-- name: lock_catalogue_names
-- Held until the transaction ends by whoever adds or renames goods (and by the catalogue's load):
-- the names one reads as free are still free when it writes them, synonyms included (which no
-- index guards).
SELECT pg_advisory_xact_lock($1);

-- name: item_for_update
SELECT id, category_id, name_th, name_en, unit, kg_per_unit::float8 AS kg_per_unit, shelf_life_days,
       reference_value::float8 AS reference_value, quantity_step::float8 AS quantity_step, version,
       counted_th, synonyms_th, added_at, added_by
FROM items WHERE id = $1
FOR UPDATE;

-- name: update_network_item
-- A correction to goods the network added; their unit, category and values stay.
UPDATE items
SET name_th = $2, name_en = $3, synonyms_th = $4, counted_th = $5, shelf_life_days = $6, kg_per_unit = $7,
    version = version + 1, updated_at = now()
WHERE id = $1 AND added_by IS NOT NULL;
