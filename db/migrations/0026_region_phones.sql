-- The number a region's communities are told to call: a coordinator of the region with a phone,
-- the one coordinating fewest regions (the nearest), then the longest-standing. One definition for
-- the SMS to a community (notices.sql) and the driver's sheet, which gives it for the stops whose
-- own contact the coordinator printing it may not read (keys.sql: region_phones).
CREATE VIEW region_phones AS
SELECT DISTINCT ON (r.region) r.region, k.phone
FROM api_keys k
CROSS JOIN LATERAL unnest(k.regions) AS r(region)
WHERE k.role = 'coordinator' AND k.revoked_at IS NULL AND k.phone IS NOT NULL
ORDER BY r.region, cardinality(k.regions), k.id;
