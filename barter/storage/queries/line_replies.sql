-- name: line_reply_to_send
-- What a sender needs of a pending reply (the token only while it is valid). reply_tried: a reply
-- with the token may have reached LINE (sent_as 'reply' on a pending row: noted before it went,
-- its outcome not known), so the answer goes by that token or not at all, never by push.
id, chat_id, reply_token, messages, retry_key, attempts,
reply_token IS NOT NULL AND reply_until > now() AS reply_valid,
coalesce(sent_as = 'reply', false) AS reply_tried

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
-- releases them unrecorded, and the next sender sends them again (by the same reply token, or
-- push with the same retry key: shown once).
SELECT @@line_reply_to_send@@
FROM line_replies
WHERE state = 'pending' AND next_attempt_at <= now()
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED;

-- name: finish_line_reply
-- ($2 attempts, $3 state, $4 seconds until the next attempt when still pending, $5 reply or push;
-- on a row left pending or given up on, 'reply' keeps the note that a reply may have gone out)
-- Only over the attempt before it: an outcome that comes back after a relay took the reply over
-- (the webhook request's call outlived its claim) does not overwrite the relay's. 'sent' by
-- 'reply' with last_status 400: LINE refused the token again after a reply whose outcome was not
-- known, and nothing more was sent (shown at most once, not confirmed).
UPDATE line_replies
SET attempts = $2, state = $3, sent_as = $5, last_status = $6, last_error = $7,
    next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4) ELSE next_attempt_at END,
    finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
WHERE id = $1 AND state = 'pending' AND attempts = $2 - 1;

-- name: note_line_reply_going
-- ($1 id, $2 attempts as read, $3 seconds of claim) A reply with the token is about to go: noted,
-- in a transaction of its own, before it does (a crash after LINE took it leaves the note, and no
-- sender pushes the answer then), and the answer claimed again for as long as the call may take.
-- Only while the answer is still this sender's: pending at the attempt it read, its token valid,
-- not tried by reply yet, not locked by a relay. RETURNING nothing: not the sender's any more.
UPDATE line_replies
SET sent_as = 'reply', next_attempt_at = now() + make_interval(secs => $3)
WHERE id = (
    SELECT id FROM line_replies
    WHERE id = $1 AND state = 'pending' AND attempts = $2 AND sent_as IS NULL
      AND reply_token IS NOT NULL AND reply_until > now()
    FOR UPDATE SKIP LOCKED)
RETURNING id;

-- name: finish_unsent_line_reply
-- (as finish_line_reply, without $5) The reply noted as going out certainly did not: LINE refused
-- it (4xx) or was never reached. The note goes, and the answer may be pushed; recorded only while
-- the sender's claim still holds (no relay can have tried the token since). RETURNING nothing:
-- not recorded, and the answer is not this sender's to push.
UPDATE line_replies
SET attempts = $2, state = $3, sent_as = NULL, last_status = $5, last_error = $6,
    next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4) ELSE next_attempt_at END,
    finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
WHERE id = (
    SELECT id FROM line_replies
    WHERE id = $1 AND state = 'pending' AND attempts = $2 - 1 AND sent_as = 'reply'
      AND next_attempt_at > now()
    FOR UPDATE SKIP LOCKED)
RETURNING id;

-- name: prune_line_replies
-- ($1 before, $2 the most rows) Answers sent or given up on, a batch at a time.
DELETE FROM line_replies WHERE id IN (
    SELECT id FROM line_replies WHERE state IN ('sent', 'failed') AND finished_at < $1 LIMIT $2);
