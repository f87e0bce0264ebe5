-- LINE replies written in the same transaction as what they answer, so a process that dies
-- between the commit and the reply loses no answer: whoever sends it (the webhook handler right
-- after its commit, or any relay later) uses the reply token while it is still valid, and pushes
-- to the chat (with the row's retry key) once it is not.
CREATE TABLE line_replies (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_event_id text NOT NULL UNIQUE,
    chat_id          text NOT NULL CHECK (length(chat_id) BETWEEN 1 AND 100),
    reply_token      text,
    reply_until      timestamptz NOT NULL,
    messages         jsonb NOT NULL,
    retry_key        uuid NOT NULL DEFAULT gen_random_uuid(),
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    sent_as          text CHECK (sent_as IN ('reply', 'push')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX line_replies_due ON line_replies (next_attempt_at) WHERE state = 'pending';

-- "Arriving" notices: at dispatch each receiving community gets one scheduled for shortly before
-- the goods are expected (the shipment plan's drop-off, or the distance at a truck's pace); the
-- sweeper announces it when it falls due, unless the goods were received or the exchange ended.
CREATE TABLE arrival_notices (
    proposal_id  bigint NOT NULL REFERENCES proposals (id),
    receiver_id  bigint NOT NULL REFERENCES communities (id),
    expected_at  timestamptz NOT NULL,
    due_at       timestamptz NOT NULL CHECK (due_at <= expected_at),
    state        text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'announced', 'skipped')),
    finished_at  timestamptz,
    PRIMARY KEY (proposal_id, receiver_id)
);
CREATE INDEX arrival_notices_due ON arrival_notices (due_at) WHERE state = 'scheduled';

-- A receipt being told over LINE: the chat is asked, transfer by transfer, what arrived.
CREATE TABLE line_receipt_prompts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id      bigint NOT NULL REFERENCES line_links (id),
    proposal_id  bigint NOT NULL REFERENCES proposals (id),
    positions    smallint[] NOT NULL CHECK (cardinality(positions) > 0),
    answers      jsonb NOT NULL DEFAULT '[]',
    state        text NOT NULL DEFAULT 'asking' CHECK (state IN ('asking', 'done', 'cancelled')),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX line_receipt_prompts_one_per_chat ON line_receipt_prompts (link_id)
    WHERE state = 'asking';

-- SMS notices only with consent: a number and an explicit opt-in recorded by the community or a
-- coordinator for it, ended by an opt-out. The free-text `contact` is never texted.
CREATE TABLE sms_consents (
    community_id  bigint PRIMARY KEY REFERENCES communities (id),
    number        text NOT NULL CHECK (number ~ '^0[689][0-9]{8}$'),
    opted_in      boolean NOT NULL,
    consented_at  timestamptz,
    opted_out_at  timestamptz,
    recorded_by   bigint REFERENCES api_keys (id),
    updated_at    timestamptz NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    CONSTRAINT sms_consents_consented CHECK (NOT opted_in OR consented_at IS NOT NULL)
);
