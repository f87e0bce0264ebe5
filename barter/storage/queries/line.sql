-- name: insert_line_code
INSERT INTO line_link_codes (code_hash, community_id, created_by, expires_at)
VALUES ($1, $2, $3, $4)
RETURNING id, community_id, created_at, expires_at;

-- name: claim_line_code
-- The code, if it can still link: unused, unrevoked, unexpired; marked used in the same statement,
-- so two chats sending the same code at once cannot both link.
UPDATE line_link_codes SET used_at = $2
WHERE code_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
RETURNING id, community_id, created_by;

-- name: line_code_issued
-- Whether a code with this hash was ever issued (whatever became of it).
SELECT EXISTS (SELECT 1 FROM line_link_codes WHERE code_hash = $1);

-- name: revoke_line_code
UPDATE line_link_codes SET revoked_at = now()
WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL
RETURNING id, community_id;

-- name: list_active_line_codes
-- Codes that can still link a chat (the codes themselves are not stored, only when they end).
SELECT id, community_id, created_at, expires_at FROM line_link_codes
WHERE community_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
ORDER BY id DESC;

-- name: get_line_code
SELECT c.id, c.community_id, pr.region FROM line_link_codes c
JOIN communities co ON co.id = c.community_id JOIN provinces pr ON pr.code = co.province_code
WHERE c.id = $1;

-- name: line_link_columns
l.id, l.chat_id, l.chat_type, l.community_id, l.key_id, l.linked_by, l.created_at, l.revoked_at,
co.name_th AS community_name_th, co.name_en AS community_name_en, pr.region

-- name: insert_line_link
WITH l AS (
    INSERT INTO line_links (chat_id, chat_type, community_id, key_id, code_id, linked_by)
    VALUES ($1, $2, $3, $4, $5, $6)
    RETURNING *
)
SELECT @@line_link_columns@@ FROM l JOIN communities co ON co.id = l.community_id JOIN provinces pr ON pr.code = co.province_code;

-- name: active_line_link
-- (a link whose key an admin revoked through /v1/keys is no link either)
SELECT @@line_link_columns@@ FROM line_links l JOIN communities co ON co.id = l.community_id JOIN provinces pr ON pr.code = co.province_code
JOIN api_keys k ON k.id = l.key_id AND k.revoked_at IS NULL
WHERE l.chat_id = $1 AND l.revoked_at IS NULL;

-- name: get_line_link
SELECT @@line_link_columns@@ FROM line_links l JOIN communities co ON co.id = l.community_id JOIN provinces pr ON pr.code = co.province_code
WHERE l.id = $1;

-- name: list_line_links
SELECT @@line_link_columns@@ FROM line_links l JOIN communities co ON co.id = l.community_id JOIN provinces pr ON pr.code = co.province_code
WHERE l.community_id = $1 AND l.revoked_at IS NULL
ORDER BY l.id;

-- name: revoke_line_link
WITH l AS (
    UPDATE line_links SET revoked_at = now(), revoked_by = $2
    WHERE id = $1 AND revoked_at IS NULL
    RETURNING *
), k AS (
    UPDATE api_keys SET revoked_at = now() FROM l WHERE api_keys.id = l.key_id AND api_keys.revoked_at IS NULL
)
SELECT @@line_link_columns@@ FROM l JOIN communities co ON co.id = l.community_id JOIN provinces pr ON pr.code = co.province_code;

-- name: claim_line_event
-- ($4 the service's now)
INSERT INTO line_events (webhook_event_id, type, chat_id, received_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (webhook_event_id) DO NOTHING
RETURNING webhook_event_id;

-- name: insert_line_draft
INSERT INTO line_drafts (link_id, message, drafts) VALUES ($1, $2, $3) RETURNING id;

-- name: get_line_draft
-- A draft of this chat's link, locked until the transaction ends (a double tap waits, then sees it).
SELECT id, link_id, message, drafts, state, listings FROM line_drafts
WHERE id = $1 AND link_id = $2
FOR UPDATE;

-- name: update_line_draft
UPDATE line_drafts SET drafts = $2 WHERE id = $1;

-- name: decide_line_draft
UPDATE line_drafts SET state = $2, listings = $3, decided_at = now() WHERE id = $1;

-- name: retire_stale_line_links
-- Links of this chat whose key was revoked through /v1/keys: closed before the chat links again.
UPDATE line_links l SET revoked_at = now()
FROM api_keys k
WHERE l.chat_id = $1 AND l.revoked_at IS NULL AND k.id = l.key_id AND k.revoked_at IS NOT NULL;

-- name: cancel_receipt_prompts
UPDATE line_receipt_prompts SET state = 'cancelled', updated_at = $2 WHERE link_id = $1 AND state = 'asking';

-- name: insert_receipt_prompt
INSERT INTO line_receipt_prompts (link_id, proposal_id, positions, asked_by, created_at, updated_at)
VALUES ($1, $2, $3, $5, $4, $4)
RETURNING id, link_id, proposal_id, positions, answers, state, asked_by, updated_at;

-- name: active_receipt_prompt
-- ($1 link, $2 id or NULL for the chat's current one) A receipt the chat is being asked about.
SELECT id, link_id, proposal_id, positions, answers, state, asked_by, updated_at FROM line_receipt_prompts
WHERE link_id = $1 AND state = 'asking' AND ($2::bigint IS NULL OR id = $2)
FOR UPDATE;

-- name: update_receipt_prompt
UPDATE line_receipt_prompts SET answers = $2, state = $3, updated_at = $4 WHERE id = $1;

-- name: receipt_prompt_closed
-- ($1 link, $2 id) A receipt question of the chat no longer asked: how it ended, and its exchange.
SELECT state, proposal_id FROM line_receipt_prompts WHERE link_id = $1 AND id = $2 AND state <> 'asking';

-- name: receipt_prompt_expired_of
-- ($1 link, $2 the member asked, $3 expired since) The member's receipt question that ran out
-- most recently, if it ran out after $3.
SELECT id, proposal_id FROM line_receipt_prompts
WHERE link_id = $1 AND asked_by = $2 AND state = 'expired' AND updated_at > $3
ORDER BY updated_at DESC, id DESC LIMIT 1;

-- Forgetting what is no longer needed, a batch at a time ($1 before, $2 the most rows). Events
-- older than the history are refused as replays, so their ids need not be kept.
-- name: prune_line_events
DELETE FROM line_events WHERE webhook_event_id IN (
    SELECT webhook_event_id FROM line_events WHERE received_at < $1 LIMIT $2);

-- name: prune_receipt_prompts
DELETE FROM line_receipt_prompts WHERE id IN (
    SELECT id FROM line_receipt_prompts WHERE state IN ('done', 'cancelled', 'expired') AND updated_at < $1 LIMIT $2);
