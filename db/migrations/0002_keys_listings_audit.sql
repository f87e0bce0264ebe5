-- API keys, offers and needs, the audit log and idempotency records.

CREATE TABLE api_keys (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL DEFAULT '',
    role           text NOT NULL CHECK (role IN ('admin', 'coordinator', 'community', 'partner')),
    regions        text[] NOT NULL DEFAULT '{}',
    community_id   bigint REFERENCES communities (id),
    -- partner grants: detail (row-level exports, small cells) or aggregates only
    partner_detail boolean NOT NULL DEFAULT false,
    prefix         text NOT NULL,
    hash           bytea NOT NULL UNIQUE,
    created_by     bigint REFERENCES api_keys (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    CONSTRAINT api_keys_regions_known CHECK (
        regions <@ ARRAY['north', 'northeast', 'central', 'east', 'west', 'south']::text[]),
    CONSTRAINT api_keys_coordinator_has_regions CHECK (role <> 'coordinator' OR cardinality(regions) > 0),
    CONSTRAINT api_keys_community_has_community CHECK ((role = 'community') = (community_id IS NOT NULL))
);

CREATE TABLE offers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id    bigint NOT NULL REFERENCES communities (id),
    item_id         text NOT NULL REFERENCES items (id),
    quantity        numeric(16, 4) NOT NULL CHECK (quantity > 0),
    held            numeric(16, 4) NOT NULL DEFAULT 0 CHECK (held >= 0),
    delivered       numeric(16, 4) NOT NULL DEFAULT 0 CHECK (delivered >= 0),
    remaining       numeric(16, 4) GENERATED ALWAYS AS (quantity - held - delivered) STORED,
    min_lot         numeric(16, 4) NOT NULL DEFAULT 0 CHECK (min_lot >= 0),
    available_from  date,
    available_until date,
    gift            boolean NOT NULL DEFAULT false,
    note            text,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'withdrawn', 'closed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         integer NOT NULL DEFAULT 1,
    -- posted = remaining + held + delivered, and nothing is ever allocated beyond what was posted
    CONSTRAINT offers_not_overallocated CHECK (held + delivered <= quantity),
    CONSTRAINT offers_min_lot_fits CHECK (min_lot <= quantity),
    CONSTRAINT offers_dates CHECK (available_until IS NULL OR available_from IS NULL
                                   OR available_until >= available_from)
);
CREATE INDEX offers_list ON offers (status, created_at DESC, id DESC);
CREATE INDEX offers_community ON offers (community_id);
CREATE INDEX offers_item ON offers (item_id);

CREATE TABLE needs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id     bigint NOT NULL REFERENCES communities (id),
    item_id          text REFERENCES items (id),
    category_id      text REFERENCES categories (id),
    accept_offer_ids bigint[],
    unit             text NOT NULL CHECK (unit IN ('kg', 'litre', 'piece', 'pack')),
    quantity         numeric(16, 4) NOT NULL CHECK (quantity > 0),
    held             numeric(16, 4) NOT NULL DEFAULT 0 CHECK (held >= 0),
    delivered        numeric(16, 4) NOT NULL DEFAULT 0 CHECK (delivered >= 0),
    remaining        numeric(16, 4) GENERATED ALWAYS AS (quantity - held - delivered) STORED,
    min_lot          numeric(16, 4) NOT NULL DEFAULT 0 CHECK (min_lot >= 0),
    needed_by        date,
    priority         smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
    max_distance_km  double precision CHECK (max_distance_km > 0),
    note             text,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'withdrawn', 'closed')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    CONSTRAINT needs_one_target CHECK (num_nonnulls(item_id, category_id, accept_offer_ids) = 1),
    CONSTRAINT needs_accept_list CHECK (accept_offer_ids IS NULL OR cardinality(accept_offer_ids) BETWEEN 1 AND 50),
    CONSTRAINT needs_not_overallocated CHECK (held + delivered <= quantity),
    CONSTRAINT needs_min_lot_fits CHECK (min_lot <= quantity)
);
CREATE INDEX needs_list ON needs (status, created_at DESC, id DESC);
CREATE INDEX needs_community ON needs (community_id);
CREATE INDEX needs_item ON needs (item_id);
CREATE INDEX needs_category ON needs (category_id);

CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_key_id bigint REFERENCES api_keys (id),
    actor_role   text NOT NULL,
    action       text NOT NULL,
    entity       text NOT NULL,
    entity_id    text NOT NULL,
    -- the community acted for (when there is one) and its region, for coordinators' view
    community_id bigint REFERENCES communities (id),
    region       text,
    before       jsonb,
    after        jsonb,
    reason       text
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_region ON audit_log (region, id DESC);

CREATE TABLE idempotency_keys (
    api_key_id   bigint NOT NULL REFERENCES api_keys (id),
    key          text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    request_hash text NOT NULL,
    status       integer,
    body         bytea,
    headers      jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
