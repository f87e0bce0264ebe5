-- Notices to communities (LINE pushes, SMS) from the same outbox as webhooks: a relay turns each
-- proposal event into one notification per channel of each community in it, then sends them at
-- least once (LINE pushes carry the row's retry key, so a resend after a crash is not shown twice).

ALTER TABLE outbox_events ADD COLUMN notified_at timestamptz;
UPDATE outbox_events SET notified_at = now();  -- events from before notices existed stay unsent
CREATE INDEX outbox_events_unnotified ON outbox_events (id) WHERE notified_at IS NULL;

CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        bigint NOT NULL REFERENCES outbox_events (id),
    community_id    bigint NOT NULL REFERENCES communities (id),
    channel         text NOT NULL CHECK (channel IN ('line', 'sms')),
    target          text NOT NULL CHECK (length(target) BETWEEN 1 AND 100),
    retry_key       uuid NOT NULL DEFAULT gen_random_uuid(),
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text,
    parts           integer,  -- SMS parts billed
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    CONSTRAINT notifications_once UNIQUE (event_id, channel, target)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_community ON notifications (community_id, id DESC);
