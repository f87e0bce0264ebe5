-- name: community_columns
-- (a fragment, not a query: the columns every community read returns)
c.id, c.name_th, c.name_en, c.kind, c.province_code, p.name_th AS province_name_th,
p.name_en AS province_name_en, p.region, c.lat, c.lon, c.subdistrict_code, c.contact,
c.created_at, c.updated_at, c.version

-- name: insert_community
WITH c AS (
    INSERT INTO communities (name_th, name_en, kind, province_code, lat, lon, subdistrict_code, contact)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    RETURNING *
)
SELECT @@community_columns@@ FROM c JOIN provinces p ON p.code = c.province_code;

-- name: get_community
SELECT @@community_columns@@
FROM communities c JOIN provinces p ON p.code = c.province_code
WHERE c.id = $1;

-- name: get_communities
SELECT @@community_columns@@
FROM communities c JOIN provinces p ON p.code = c.province_code
WHERE c.id = ANY($1::bigint[])
ORDER BY c.id;

-- name: get_community_for_update
SELECT @@community_columns@@
FROM communities c JOIN provinces p ON p.code = c.province_code
WHERE c.id = $1
FOR UPDATE OF c;

-- name: update_community
WITH c AS (
    UPDATE communities
    SET name_th = $2, name_en = $3, kind = $4, province_code = $5, lat = $6, lon = $7,
        subdistrict_code = $8, contact = $9, updated_at = now(), version = version + 1
    WHERE id = $1
    RETURNING *
)
SELECT @@community_columns@@ FROM c JOIN provinces p ON p.code = c.province_code;

-- name: list_communities
SELECT @@community_columns@@
FROM communities c JOIN provinces p ON p.code = c.province_code
WHERE ($1::text IS NULL OR p.region = $1)
  AND ($2::text IS NULL OR c.province_code = $2)
  AND ($3::text IS NULL OR c.kind = $3)
  AND ($4::text IS NULL OR c.search_text LIKE $4 ESCAPE '\')
  AND ($5::bigint IS NULL OR c.id > $5)
ORDER BY c.id
LIMIT $6;
