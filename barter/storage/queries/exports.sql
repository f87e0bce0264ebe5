-- name: export_listings
-- Every listing the list query (unlimited, filled in as `listing`) finds, within the regions $17 (NULL = all),
-- with the community's point for GeoJSON; oldest first, so an export reads like a ledger.
SELECT x.*, c.lat, c.lon
FROM (@@listing@@) x
JOIN communities c ON c.id = x.community_id
WHERE ($17::text[] IS NULL OR x.region = ANY($17::text[]))
ORDER BY x.created_at, x.id;
