-- name: rate_hit
-- Count one request in each bucket (sorted by the caller, so two requests lock rows in one order).
INSERT INTO rate_counters AS c (bucket, window_start, hits)
SELECT b, $2::timestamptz, 1 FROM unnest($1::text[]) WITH ORDINALITY AS u (b, n) ORDER BY n
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
RETURNING c.bucket, c.hits;

-- name: rate_hits
SELECT coalesce(max(hits), 0) FROM rate_counters WHERE bucket = $1 AND window_start = $2;

-- name: rate_prune
DELETE FROM rate_counters WHERE window_start < $1;
