-- name: insert_key
INSERT INTO api_keys (name, role, regions, community_id, partner_detail, prefix, hash, created_by, phone)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id, name, role, regions, community_id, partner_detail, prefix, phone, created_at, revoked_at;

-- name: find_key_by_hash
SELECT id, role, regions, community_id, partner_detail
FROM api_keys WHERE hash = $1 AND revoked_at IS NULL;

-- name: list_keys
SELECT id, name, role, regions, community_id, partner_detail, prefix, phone, created_at, revoked_at
FROM api_keys ORDER BY id;

-- name: get_key
SELECT id, name, role, regions, community_id, partner_detail, prefix, phone, created_at, revoked_at
FROM api_keys WHERE id = $1;

-- name: revoke_key
UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
RETURNING id, name, role, regions, community_id, partner_detail, prefix, phone, created_at, revoked_at;

-- name: set_key_phone
UPDATE api_keys SET phone = $2 WHERE id = $1
RETURNING id, name, role, regions, community_id, partner_detail, prefix, phone, created_at, revoked_at;

-- name: region_phones
-- ($1 regions) the number each region's communities are told to call (the view, migration 0026)
SELECT region, phone FROM region_phones WHERE region = ANY($1::text[]);
