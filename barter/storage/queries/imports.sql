-- name: claim_import
-- The file's row for this key, new; nothing when the key imported this file before (a concurrent
-- duplicate waits on the unique index until the first commits).
INSERT INTO imports (key_id, file_hash, format, rows, created_count)
VALUES ($1, $2, $3, $4, 0)
ON CONFLICT ON CONSTRAINT imports_once DO NOTHING
RETURNING id;

-- name: get_import
SELECT id, report FROM imports WHERE key_id = $1 AND file_hash = $2;

-- name: finish_import
UPDATE imports SET created_count = $2, report = $3 WHERE id = $1;
