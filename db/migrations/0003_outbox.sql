-- The transactional outbox: events are written in the same transaction as the change they report.
-- A relay (webhooks) reads them later; a crash between the change and the delivery loses nothing.

CREATE TABLE outbox_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type          text NOT NULL CHECK (type ~ '^[a-z_]+\.[a-z_]+$'),
    -- regions the event concerns, so partners only hear about what their grants cover
    regions       text[] NOT NULL DEFAULT '{}',
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    dispatched_at timestamptz
);
CREATE INDEX outbox_events_pending ON outbox_events (id) WHERE dispatched_at IS NULL;
