-- name: insert_audit
INSERT INTO audit_log (actor_key_id, actor_role, action, entity, entity_id, community_id, region,
                       before, after, reason, regions, via)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: list_audit
SELECT id, at, actor_key_id, actor_role, via, action, entity, entity_id, community_id, region, before, after,
       reason
FROM audit_log
WHERE ($1::bool OR region = ANY($2::text[]) OR regions && $2::text[])
  AND ($3::text IS NULL OR entity = $3)
  AND ($4::text IS NULL OR entity_id = $4)
  AND ($5::bigint IS NULL OR community_id = $5)
  AND ($6::bigint IS NULL OR id < $6)
ORDER BY id DESC
LIMIT $7;
