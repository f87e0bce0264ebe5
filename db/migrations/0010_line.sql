-- LINE Official Account channel: one-time link codes, linked chats, processed webhook events and
-- the drafts a chat confirms before they become offers and needs. Audit rows say the channel.

ALTER TABLE audit_log ADD COLUMN via text NOT NULL DEFAULT 'api'
    CHECK (via IN ('api', 'console', 'line', 'import', 'system'));

-- A code is shown once to a coordinator or admin; only its keyed hash is stored. It links the first
-- LINE chat (a user, or a group of the community's members) that sends it, then never again.
CREATE TABLE line_link_codes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code_hash    bytea NOT NULL UNIQUE,
    community_id bigint NOT NULL REFERENCES communities (id),
    created_by   bigint NOT NULL REFERENCES api_keys (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    revoked_at   timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX line_link_codes_community ON line_link_codes (community_id, id DESC);

-- A linked chat acts for its community through a key of its own (role community, never shown to
-- anyone: its hash is random), so every rule and audit entry of the API applies to it unchanged.
CREATE TABLE line_links (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id      text NOT NULL CHECK (length(chat_id) BETWEEN 1 AND 100),
    chat_type    text NOT NULL CHECK (chat_type IN ('user', 'group', 'room')),
    community_id bigint NOT NULL REFERENCES communities (id),
    key_id       bigint NOT NULL UNIQUE REFERENCES api_keys (id),
    code_id      bigint NOT NULL UNIQUE REFERENCES line_link_codes (id),
    linked_by    text,  -- the LINE user id that sent the code
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES api_keys (id)
);
CREATE UNIQUE INDEX line_links_active_chat ON line_links (chat_id) WHERE revoked_at IS NULL;
CREATE INDEX line_links_community ON line_links (community_id) WHERE revoked_at IS NULL;

-- Every webhook event handled, by LINE's webhookEventId: a redelivered event finds its row and
-- does nothing (the row is written in the same transaction as the event's effect).
CREATE TABLE line_events (
    webhook_event_id text PRIMARY KEY CHECK (length(webhook_event_id) BETWEEN 1 AND 100),
    type             text NOT NULL,
    chat_id          text,
    received_at      timestamptz NOT NULL DEFAULT now()
);

-- What a chat wrote and what barter read from it, until the chat confirms or cancels.
CREATE TABLE line_drafts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id     bigint NOT NULL REFERENCES line_links (id),
    message     text NOT NULL CHECK (length(message) <= 5000),
    drafts      jsonb NOT NULL,
    state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'cancelled')),
    listings    jsonb,  -- [{"kind": "offer", "id": 12}, ...] once confirmed
    created_at  timestamptz NOT NULL DEFAULT now(),
    decided_at  timestamptz
);
CREATE INDEX line_drafts_link ON line_drafts (link_id, id DESC);
