-- name: note_unknown_goods
-- A community named these goods words the catalogue does not know ($1 words, tidied; $2 community,
-- $3 channel, $4 when): each counted once more, first seen kept, last seen and the word as last
-- typed updated. A spreadsheet's ($5 the importing key, $6 the Thai day) is counted once per key
-- and day: a word that key's sheets named that day already keeps its count and last seen (LINE's
-- messages, with neither, each count). Returns the words kept.
INSERT INTO unknown_goods AS u (word, community_id, channel, first_seen, last_seen, counted_on, counted_by)
SELECT w, $2, $3, $4, $4, $6::date, CASE WHEN $5::bigint IS NOT NULL THEN ARRAY[$5::bigint] END
FROM unnest($1::text[]) AS w
ON CONFLICT ON CONSTRAINT unknown_goods_once DO UPDATE
SET word = excluded.word,
    times = u.times + CASE WHEN u.counted_on = excluded.counted_on AND $5 = ANY(u.counted_by) THEN 0 ELSE 1 END,
    last_seen = CASE WHEN u.counted_on = excluded.counted_on AND $5 = ANY(u.counted_by) THEN u.last_seen
                     ELSE greatest(u.last_seen, excluded.last_seen) END,
    counted_on = excluded.counted_on,
    counted_by = CASE WHEN u.counted_on = excluded.counted_on AND NOT $5 = ANY(u.counted_by)
                      THEN u.counted_by || excluded.counted_by
                      WHEN u.counted_on = excluded.counted_on THEN u.counted_by
                      ELSE excluded.counted_by END
RETURNING word;

-- name: unknown_goods_listed
-- The goods words communities named that the catalogue lacks, one row per word (as names are
-- compared: without spaces), of the communities the caller acts for ($1 admin: every one, $2 a
-- coordinator's regions): how many times in all, by which communities (by name), when first and
-- last; the most named first, then the last named, then the latest first noted (first_id: the
-- word's first row the caller reads, which no other word's row shares). A page starts after
-- ($4 times, $5 last seen, $6 first_id) when $4 is given (the API's cursor); $3 rows at most. The
-- word as it was last typed stands for the others. A word goods are called by now is left out:
-- another process added them while the word was being written, after its add had taken the words
-- it named off.
SELECT (array_agg(u.word ORDER BY u.last_seen DESC, u.id DESC))[1] AS word,
       sum(u.times)::int AS times,
       min(u.first_seen) AS first_seen,
       max(u.last_seen) AS last_seen,
       min(u.id) AS first_id,
       array_agg(DISTINCT u.channel ORDER BY u.channel) AS channels,
       (SELECT jsonb_agg(jsonb_build_object('id', n.id, 'name_th', n.name_th, 'name_en', n.name_en)
                         ORDER BY coalesce(n.name_th, n.name_en), n.id)
        FROM communities n
        WHERE n.id = ANY(array_agg(u.community_id))) AS communities
FROM unknown_goods u
JOIN communities c ON c.id = u.community_id
JOIN provinces p ON p.code = c.province_code
WHERE ($1::bool OR p.region = ANY($2::text[]))
  AND NOT EXISTS (
      SELECT 1
      FROM items i, unnest(array_prepend(i.name_th, i.synonyms_th)) AS n
      WHERE replace(n, ' ', '') = u.word_key)
GROUP BY u.word_key
HAVING $4::bigint IS NULL OR (sum(u.times), max(u.last_seen), min(u.id)) < ($4::bigint, $5::timestamptz, $6::bigint)
ORDER BY sum(u.times) DESC, max(u.last_seen) DESC, min(u.id) DESC
LIMIT $3;

-- name: resolve_unknown_goods
-- Goods now in the catalogue by one of these names ($1: as names are compared, without spaces):
-- no longer unknown. Returns how many rows went.
WITH gone AS (DELETE FROM unknown_goods WHERE word_key = ANY($1::text[]) RETURNING 1)
SELECT count(*)::int FROM gone;
