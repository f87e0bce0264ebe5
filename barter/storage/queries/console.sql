-- name: insert_console_session
INSERT INTO console_sessions (token_hash, key_id, created_at, expires_at)
SELECT $1, k.id, $3, $4 FROM api_keys k WHERE k.id = $2 AND k.revoked_at IS NULL
RETURNING key_id;

-- name: find_console_session
SELECT k.id, k.role, k.regions, k.community_id, k.partner_detail, k.name
FROM console_sessions s JOIN api_keys k ON k.id = s.key_id
WHERE s.token_hash = $1 AND s.expires_at > $2 AND k.revoked_at IS NULL;

-- name: delete_console_session
DELETE FROM console_sessions WHERE token_hash = $1;

-- name: delete_expired_console_sessions
DELETE FROM console_sessions WHERE expires_at <= $1;
