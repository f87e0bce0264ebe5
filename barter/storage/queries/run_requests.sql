-- name: insert_run_request
INSERT INTO run_requests (regions, overrides, requested_by, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: insert_run_consents
-- Every region of the request, waiting; then answer_run_consents answers the requester's own.
INSERT INTO run_consents (request_id, region)
SELECT $1, region FROM unnest($2::text[]) AS region;

-- name: lock_run_request
SELECT id FROM run_requests WHERE id = $1 FOR UPDATE;

-- name: run_request_columns
r.id, r.regions, r.overrides, r.requested_by, k.name AS requested_by_name, r.status, r.created_at,
r.expires_at, r.decided_at, r.run_id,
(SELECT coalesce(jsonb_agg(jsonb_build_object(
        'region', c.region, 'answer', c.answer, 'reason', c.reason, 'answered_at', c.answered_at
    ) ORDER BY c.region), '[]'::jsonb)
 FROM run_consents c WHERE c.request_id = r.id) AS consents

-- name: get_run_request
SELECT @@run_request_columns@@
FROM run_requests r JOIN api_keys k ON k.id = r.requested_by
WHERE r.id = $1;

-- name: list_run_requests
-- The requests touching the caller's regions (admins: all), newest first.
SELECT @@run_request_columns@@
FROM run_requests r JOIN api_keys k ON k.id = r.requested_by
WHERE ($1 OR r.regions && $2::text[])
ORDER BY r.id DESC
LIMIT $3;

-- name: answer_run_consents
UPDATE run_consents SET answer = $3, answered_by = $4, answered_at = $5, reason = $6
WHERE request_id = $1 AND region = ANY($2::text[]) AND answer IS NULL
RETURNING region;

-- name: decide_run_request
UPDATE run_requests SET status = $2, decided_at = $3, run_id = $4
WHERE id = $1 AND status = 'pending'
RETURNING id;
