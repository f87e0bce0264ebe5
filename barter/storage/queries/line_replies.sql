-- name: insert_line_reply
-- The answer to one webhook event, in the transaction of what it answers ($5: seconds the reply
-- token is used for; after that the answer is pushed).
INSERT INTO line_replies (webhook_event_id, chat_id, reply_token, messages, reply_until)
VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
ON CONFLICT (webhook_event_id) DO NOTHING
RETURNING id;

-- name: claim_line_replies
-- Pending replies ($1: these ids, or when NULL any that are due), locked until this transaction
-- ends: a crash releases them unrecorded, and the next sender sends them again.
SELECT id, chat_id, reply_token, messages, retry_key, attempts,
       reply_token IS NOT NULL AND reply_until > now() AS reply_valid
FROM line_replies
WHERE state = 'pending'
  AND CASE WHEN $1::bigint[] IS NULL THEN next_attempt_at <= now() ELSE id = ANY($1::bigint[]) END
ORDER BY id
LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: finish_line_reply
-- ($2 attempts, $3 state, $4 seconds until the next attempt when still pending, $5 reply or push)
UPDATE line_replies
SET attempts = $2, state = $3, sent_as = $5, last_status = $6, last_error = $7,
    next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4) ELSE next_attempt_at END,
    finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
WHERE id = $1;

-- name: prune_line_replies
-- ($1 before, $2 the most rows) Answers sent or given up on, a batch at a time.
DELETE FROM line_replies WHERE id IN (
    SELECT id FROM line_replies WHERE state IN ('sent', 'failed') AND finished_at < $1 LIMIT $2);
