-- name: claim_idempotency_key
-- Insert the claim ($6 now), or take over a record created at or before $7 (expired: this
-- request is new). A concurrent duplicate blocks here until the first transaction ends.
INSERT INTO idempotency_keys (api_key_id, key, method, path, request_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (api_key_id, key) DO UPDATE
SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
    status = NULL, body = NULL, headers = NULL, withheld = '{}', created_at = EXCLUDED.created_at
WHERE idempotency_keys.created_at <= $7
RETURNING api_key_id;

-- name: get_idempotency_key
SELECT request_hash, status, body, headers, withheld FROM idempotency_keys WHERE api_key_id = $1 AND key = $2;

-- name: store_idempotent_response
UPDATE idempotency_keys SET status = $3, body = $4, headers = $5, withheld = $6
WHERE api_key_id = $1 AND key = $2;

-- name: prune_idempotency_keys
-- Forget records created at or before $1, at most $2 of them (the rest wait for the next sweep).
DELETE FROM idempotency_keys WHERE (api_key_id, key) IN (
    SELECT api_key_id, key FROM idempotency_keys WHERE created_at <= $1 LIMIT $2);
