-- name: fan_out_notices
-- Up to $1 proposal events not yet turned into notices become one notification per channel of each
-- community they name: every LINE chat linked to it, and (when $2, SMS is on) the number it opted in
-- to SMS with. Events another relay holds are skipped; each event is marked once.
WITH ev AS (
    SELECT id, type, payload FROM outbox_events
    WHERE notified_at IS NULL
    ORDER BY id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), members AS (
    SELECT ev.id AS event_id, m.value::bigint AS community_id
    FROM ev
    CROSS JOIN LATERAL jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(ev.payload -> 'communities') = 'array' THEN ev.payload -> 'communities'
             ELSE '[]'::jsonb END) AS m(value)
    WHERE ev.type LIKE 'proposal.%'
), targets AS (
    SELECT m.event_id, m.community_id, 'line' AS channel, l.chat_id AS target
    FROM members m
    JOIN line_links l ON l.community_id = m.community_id AND l.revoked_at IS NULL
    JOIN api_keys k ON k.id = l.key_id AND k.revoked_at IS NULL
    UNION
    SELECT m.event_id, m.community_id, 'sms', s.number
    FROM members m
    JOIN sms_consents s ON s.community_id = m.community_id AND s.opted_in
    WHERE $2::bool
), inserted AS (
    INSERT INTO notifications (event_id, community_id, channel, target)
    SELECT event_id, community_id, channel, target FROM targets ORDER BY event_id, channel, target
    ON CONFLICT ON CONSTRAINT notifications_once DO NOTHING
    RETURNING 1
), marked AS (
    UPDATE outbox_events o SET notified_at = now() FROM ev WHERE o.id = ev.id
    RETURNING 1
)
SELECT (SELECT count(*) FROM marked) AS events, (SELECT count(*) FROM inserted) AS notices;

-- name: claim_notices
-- Due notifications, locked until this transaction ends (a crash releases them unrecorded, so they
-- are sent again), with what their message needs: the event, and the community's part in it.
SELECT n.id, n.event_id, n.channel, n.target, n.retry_key, n.attempts, n.community_id,
       e.type, e.payload,
       pp.explanation_th, pp.gives_value, pp.receives_value,
       pr.hold_expires_at AS answer_by,  -- a proposal unanswered by then expires
       (SELECT array_agg(coalesce(c.name_th, c.name_en) ORDER BY c.id)
        FROM proposal_participants o JOIN communities c ON c.id = o.community_id
        WHERE o.proposal_id = pp.proposal_id AND o.community_id <> n.community_id) AS partners,
       -- what the community gives and gets: item, quantity, unit, in the proposal's order
       (SELECT jsonb_agg(jsonb_build_object('gives', t.giver_id = n.community_id, 'item', i.name_th,
                                            'item_id', t.item_id, 'quantity', t.quantity, 'unit', t.unit)
                         ORDER BY t.position)
        FROM proposal_transfers t JOIN items i ON i.id = t.item_id
        WHERE t.proposal_id = pp.proposal_id
          AND (t.giver_id = n.community_id OR t.receiver_id = n.community_id)) AS goods,
       (SELECT max(t.distance_km) FROM proposal_transfers t
        WHERE t.proposal_id = pp.proposal_id
          AND (t.giver_id = n.community_id OR t.receiver_id = n.community_id)) AS distance_km,
       EXISTS (SELECT 1 FROM proposal_transfers t
               WHERE t.proposal_id = pp.proposal_id AND t.receiver_id = n.community_id) AS receives,
       -- an SMS waiting to be sent goes only if the community is still opted in at that number
       n.channel <> 'sms' OR EXISTS (SELECT 1 FROM sms_consents s
               WHERE s.community_id = n.community_id AND s.opted_in AND s.number = n.target) AS consented,
       -- whom an SMS reader calls to answer: a coordinator of the community's region (the view
       -- region_phones, migration 0026)
       (SELECT rp.phone FROM region_phones rp
        JOIN provinces p ON p.region = rp.region
        JOIN communities c ON c.province_code = p.code
        WHERE n.channel = 'sms' AND c.id = n.community_id) AS coordinator_phone
FROM notifications n
JOIN outbox_events e ON e.id = n.event_id
LEFT JOIN proposal_participants pp
       ON pp.proposal_id = (e.payload ->> 'proposal_id')::bigint AND pp.community_id = n.community_id
LEFT JOIN proposals pr ON pr.id = pp.proposal_id
WHERE n.state = 'pending' AND n.next_attempt_at <= now()
ORDER BY n.next_attempt_at, n.event_id, n.id
LIMIT $1
FOR UPDATE OF n SKIP LOCKED;

-- name: finish_notice
-- ($2 attempts, $3 state, $4 seconds until the next attempt when still pending)
UPDATE notifications
SET attempts = $2, state = $3, last_status = $5, last_error = $6, parts = coalesce($7, parts),
    next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4) ELSE next_attempt_at END,
    finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
WHERE id = $1;

-- name: list_notices
-- What was sent to communities and what failed, newest first: admins everywhere, coordinators in
-- their regions ($1 admin, $2 regions).
SELECT n.id, n.community_id, coalesce(c.name_th, c.name_en) AS community_name, n.channel,
       CASE WHEN n.channel = 'sms' THEN n.target ELSE 'LINE' END AS target,
       e.type AS event_type, (e.payload ->> 'proposal_id')::bigint AS proposal_id,
       n.state, n.attempts, n.last_status, n.last_error, n.parts, n.created_at, n.finished_at
FROM notifications n
JOIN outbox_events e ON e.id = n.event_id
JOIN communities c ON c.id = n.community_id
JOIN provinces p ON p.code = c.province_code
WHERE ($1::bool OR p.region = ANY($2::text[]))
  AND ($3::bigint IS NULL OR n.community_id = $3)
  AND ($4::text IS NULL OR n.state = $4)
  AND ($5::bigint IS NULL OR n.id < $5)
ORDER BY n.id DESC
LIMIT $6;
