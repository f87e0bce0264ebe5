-- Partner API: webhook subscriptions, their deliveries (one per event and subscription) and every
-- delivery attempt. Grants need no table: a partner key's regions and partner_detail are its grant.

CREATE TABLE webhooks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- the key that subscribed: its role and regions decide which events the webhook receives
    owner_key_id bigint NOT NULL REFERENCES api_keys (id),
    url          text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    events       text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 20),
    description  text CHECK (length(description) <= 200),
    -- the signing secret is HMAC(server secret, salt): never stored, shown once at creation
    secret_salt  bytea NOT NULL CHECK (length(secret_salt) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);
CREATE INDEX webhooks_owner ON webhooks (owner_key_id, id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      bigint NOT NULL REFERENCES webhooks (id),
    event_id        bigint NOT NULL REFERENCES outbox_events (id),
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    -- an event reaches a subscription once: redelivery retries this row, it never adds one
    CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, id DESC);

CREATE TABLE webhook_attempts (
    delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id),
    number      integer NOT NULL CHECK (number > 0),
    at          timestamptz NOT NULL,
    status_code integer,
    error       text,
    duration_ms integer NOT NULL CHECK (duration_ms >= 0),
    PRIMARY KEY (delivery_id, number)
);

-- Wake the relays when events are committed (NOTIFY is delivered at commit, once per transaction).
CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('barter_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();
