-- name: claim_idempotency_key
-- Insert the claim; a concurrent duplicate blocks here until the first transaction ends.
INSERT INTO idempotency_keys (api_key_id, key, method, path, request_hash)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (api_key_id, key) DO NOTHING
RETURNING api_key_id;

-- name: get_idempotency_key
SELECT request_hash, status, body, headers, withheld FROM idempotency_keys WHERE api_key_id = $1 AND key = $2;

-- name: store_idempotent_response
UPDATE idempotency_keys SET status = $3, body = $4, headers = $5, withheld = $6
WHERE api_key_id = $1 AND key = $2;
