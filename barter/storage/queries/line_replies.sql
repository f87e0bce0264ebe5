-- name: line_reply_to_send
-- What a sender needs of a pending reply (the token only while it is valid).
id, chat_id, reply_token, messages, retry_key, attempts,
reply_token IS NOT NULL AND reply_until > now() AS reply_valid

-- name: insert_line_reply
-- The answer to one webhook event, in the transaction of what it answers ($5: seconds the reply
-- token is used for; after that the answer is pushed). The request that writes it sends it after
-- the commit, so relays leave it alone for $6 seconds (longer than that request's one call to
-- LINE): after that, an answer whose outcome was never recorded (the process died) is theirs.
INSERT INTO line_replies (webhook_event_id, chat_id, reply_token, messages, reply_until, next_attempt_at)
VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6))
ON CONFLICT (webhook_event_id) DO NOTHING
RETURNING @@line_reply_to_send@@;

-- name: claim_line_replies
-- Pending replies that are due ($1 the most), locked until the relay's transaction ends: a crash
-- releases them unrecorded, and the next sender sends them again.
SELECT @@line_reply_to_send@@
FROM line_replies
WHERE state = 'pending' AND next_attempt_at <= now()
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED;

-- name: finish_line_reply
-- ($2 attempts, $3 state, $4 seconds until the next attempt when still pending, $5 reply or push)
-- Only over the attempt before it: an outcome that comes back after a relay took the reply over
-- (the webhook request's call outlived its claim) does not overwrite the relay's.
UPDATE line_replies
SET attempts = $2, state = $3, sent_as = $5, last_status = $6, last_error = $7,
    next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4) ELSE next_attempt_at END,
    finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
WHERE id = $1 AND state = 'pending' AND attempts = $2 - 1;

-- name: prune_line_replies
-- ($1 before, $2 the most rows) Answers sent or given up on, a batch at a time.
DELETE FROM line_replies WHERE id IN (
    SELECT id FROM line_replies WHERE state IN ('sent', 'failed') AND finished_at < $1 LIMIT $2);
