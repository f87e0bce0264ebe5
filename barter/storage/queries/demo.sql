-- name: demo_market_counts
SELECT (SELECT count(*) FROM communities) AS communities,
       (SELECT count(*) FROM offers WHERE status = 'open') AS offers,
       (SELECT count(*) FROM needs WHERE status = 'open') AS needs;

-- name: demo_run_proposals
SELECT * FROM proposals WHERE run_id = $1 ORDER BY id;

-- name: demo_completed
SELECT count(*) FROM proposals WHERE run_id = $1 AND status = 'completed';

-- name: demo_accounts_by_region
SELECT p.region, count(DISTINCT l.community_id) AS communities,
       coalesce(sum(l.value) FILTER (WHERE l.direction = 'gave'), 0)::float8 AS gave,
       coalesce(sum(l.value) FILTER (WHERE l.direction = 'received'), 0)::float8 AS received
FROM ledger_entries l
JOIN communities c ON c.id = l.community_id
JOIN provinces p ON p.code = c.province_code
GROUP BY p.region ORDER BY p.region;

-- name: demo_most_active
SELECT c.id, c.name_th, c.name_en,
       coalesce(sum(l.value) FILTER (WHERE l.direction = 'gave'), 0)::float8 AS gave,
       coalesce(sum(l.value) FILTER (WHERE l.direction = 'received'), 0)::float8 AS received
FROM ledger_entries l JOIN communities c ON c.id = l.community_id
GROUP BY c.id ORDER BY sum(l.value) DESC, c.id LIMIT $1;
