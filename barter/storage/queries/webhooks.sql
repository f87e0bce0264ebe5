-- name: webhook_columns
w.id, w.owner_key_id, w.url, w.events, w.description, w.created_at

-- name: insert_webhook
INSERT INTO webhooks AS w (owner_key_id, url, events, description, secret_salt)
VALUES ($1, $2, $3, $4, $5)
RETURNING @@webhook_columns@@;

-- name: count_owned_webhooks
-- (locks the owner's key row first, so that concurrent subscriptions count one after another)
WITH owner AS (SELECT id FROM api_keys WHERE id = $1 FOR UPDATE)
SELECT count(*) FROM webhooks w JOIN owner ON w.owner_key_id = owner.id WHERE w.deleted_at IS NULL;

-- name: list_webhooks
-- ($1: the caller is an admin and sees every webhook; otherwise only those of key $2)
SELECT @@webhook_columns@@ FROM webhooks w
WHERE w.deleted_at IS NULL AND ($1::bool OR w.owner_key_id = $2)
ORDER BY w.id;

-- name: get_webhook
SELECT @@webhook_columns@@ FROM webhooks w
WHERE w.id = $1 AND w.deleted_at IS NULL AND ($2::bool OR w.owner_key_id = $3);

-- name: delete_webhook
-- Soft delete (the delivery history stays); deliveries still pending are cancelled with it.
WITH w AS (
    UPDATE webhooks SET deleted_at = now()
    WHERE id = $1 AND deleted_at IS NULL AND ($2::bool OR owner_key_id = $3)
    RETURNING *
), cancelled AS (
    UPDATE webhook_deliveries d SET state = 'cancelled', finished_at = now()
    FROM w WHERE d.webhook_id = w.id AND d.state = 'pending'
)
SELECT @@webhook_columns@@ FROM w;

-- name: list_deliveries
SELECT d.id, d.event_id, e.type AS event_type, d.state, d.attempts, d.next_attempt_at, d.last_status,
       d.last_error, d.created_at, d.finished_at,
       coalesce((SELECT json_agg(json_build_object(
                    'number', a.number, 'at', a.at, 'status_code', a.status_code, 'error', a.error,
                    'duration_ms', a.duration_ms) ORDER BY a.number)
                 FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]'::json) AS attempt_log
FROM webhook_deliveries d
JOIN outbox_events e ON e.id = d.event_id
WHERE d.webhook_id = $1
  AND ($2::text IS NULL OR d.state = $2)
  AND ($3::bigint IS NULL OR d.id < $3)
ORDER BY d.id DESC
LIMIT $4;

-- name: fan_out_events
-- Turn up to $1 undispatched events into one delivery per matching subscription, in one
-- statement, skipping events another relay is fanning out. A subscription matches when it
-- lists the event type, its key is not revoked, and the key's grant covers the event: admins
-- always; a partner when every region of the event is granted (no regions = national); a
-- coordinator when one region of the event is its own; a community when the event names it among
-- its communities. Events that concern no region reach all but communities.
WITH ev AS (
    SELECT id, type, regions, payload FROM outbox_events
    WHERE dispatched_at IS NULL
    ORDER BY id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), subscribed AS (
    INSERT INTO webhook_deliveries (webhook_id, event_id)
    SELECT w.id, ev.id
    FROM ev
    JOIN webhooks w ON w.deleted_at IS NULL AND ev.type = ANY (w.events)
    JOIN api_keys k ON k.id = w.owner_key_id AND k.revoked_at IS NULL
    WHERE k.role = 'admin'
       OR (k.role = 'partner' AND (cardinality(k.regions) = 0 OR ev.regions <@ k.regions))
       OR (k.role = 'coordinator' AND (cardinality(ev.regions) = 0 OR ev.regions && k.regions))
       OR (k.role = 'community' AND ev.payload -> 'communities' @> to_jsonb(k.community_id))
    ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING
    RETURNING 1
), dispatched AS (
    UPDATE outbox_events o SET dispatched_at = now() FROM ev WHERE o.id = ev.id
    RETURNING 1
)
SELECT (SELECT count(*) FROM dispatched) AS events, (SELECT count(*) FROM subscribed) AS deliveries;

-- name: claim_deliveries
-- Up to $1 due deliveries, locked until this transaction ends (a crash releases them at once);
-- rows another relay holds are skipped. `detail`: whether the subscriber reads row-level data (keys
-- never change their grant, so every attempt of a delivery sends the same body).
SELECT d.id, d.event_id, d.attempts, w.url, w.secret_salt,
       (w.deleted_at IS NULL AND k.revoked_at IS NULL) AS active,
       (k.role <> 'partner' OR k.partner_detail) AS detail,
       e.type, e.regions, e.payload, e.created_at AS event_created_at
FROM webhook_deliveries d
JOIN webhooks w ON w.id = d.webhook_id
JOIN api_keys k ON k.id = w.owner_key_id
JOIN outbox_events e ON e.id = d.event_id
WHERE d.state = 'pending' AND d.next_attempt_at <= now()
ORDER BY d.next_attempt_at, d.id
LIMIT $1
FOR UPDATE OF d SKIP LOCKED;

-- name: insert_attempt
INSERT INTO webhook_attempts (delivery_id, number, at, status_code, error, duration_ms)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: finish_attempt
-- ($3: the new state; $4: seconds until the next attempt, when still pending, counted from $7,
-- when this attempt started: now() is the claiming transaction's start, before the attempt)
UPDATE webhook_deliveries
SET attempts = $2, state = $3, last_status = $5, last_error = $6,
    next_attempt_at = CASE WHEN $3 = 'pending' THEN $7::timestamptz + make_interval(secs => $4) ELSE next_attempt_at END,
    finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
WHERE id = $1;

-- name: cancel_deliveries
UPDATE webhook_deliveries SET state = 'cancelled', finished_at = now()
WHERE id = ANY($1::bigint[]) AND state = 'pending';
