-- Matching runs, proposals (exchanges) with their transfers, participants and approvals,
-- and the community ledger.

CREATE TABLE matching_runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regions       text[] NOT NULL,
    status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    settings      jsonb NOT NULL,
    seed          integer NOT NULL,
    requested_by  bigint REFERENCES api_keys (id),
    progress      real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    message       text NOT NULL DEFAULT '',
    engine_status text,
    objective     double precision,
    upper_bound   double precision,
    gap           double precision,
    counts        jsonb NOT NULL DEFAULT '{}',
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    solved_at     timestamptz,
    finished_at   timestamptz,
    heartbeat_at  timestamptz,
    CONSTRAINT matching_runs_regions_known CHECK (
        cardinality(regions) > 0
        AND regions <@ ARRAY['north', 'northeast', 'central', 'east', 'west', 'south']::text[])
);
CREATE INDEX matching_runs_unfinished ON matching_runs (id) WHERE status IN ('queued', 'running');

CREATE TABLE proposals (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          bigint NOT NULL REFERENCES matching_runs (id),
    kind            text NOT NULL CHECK (kind IN ('cycle', 'chain')),
    status          text NOT NULL DEFAULT 'proposed'
                    CHECK (status IN ('proposed', 'approved', 'in_transit', 'completed',
                                      'rejected', 'expired', 'cancelled')),
    regions         text[] NOT NULL,
    total_value     numeric(18, 2) NOT NULL,
    hold_expires_at timestamptz NOT NULL,
    reason          text,
    ended_by        bigint REFERENCES api_keys (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    approved_at     timestamptz,
    dispatched_at   timestamptz,
    completed_at    timestamptz,
    ended_at        timestamptz,
    version         integer NOT NULL DEFAULT 1
);
CREATE INDEX proposals_run ON proposals (run_id);
CREATE INDEX proposals_status ON proposals (status, id);
CREATE INDEX proposals_regions ON proposals USING gin (regions);
CREATE INDEX proposals_expiry ON proposals (hold_expires_at) WHERE status = 'proposed';

-- Each transfer holds its quantity on the offer and the need while the proposal is live.
CREATE TABLE proposal_transfers (
    proposal_id  bigint NOT NULL REFERENCES proposals (id),
    position     smallint NOT NULL,
    offer_id     bigint NOT NULL REFERENCES offers (id),
    need_id      bigint NOT NULL REFERENCES needs (id),
    giver_id     bigint NOT NULL REFERENCES communities (id),
    receiver_id  bigint NOT NULL REFERENCES communities (id),
    item_id      text NOT NULL REFERENCES items (id),
    unit         text NOT NULL,
    quantity     numeric(16, 4) NOT NULL CHECK (quantity > 0),
    unit_value   numeric(14, 2) NOT NULL,
    value        numeric(18, 2) NOT NULL,
    distance_km  double precision NOT NULL,
    received_at  timestamptz,
    received_by  bigint REFERENCES api_keys (id),
    PRIMARY KEY (proposal_id, position)
);
CREATE INDEX proposal_transfers_offer ON proposal_transfers (offer_id);
CREATE INDEX proposal_transfers_need ON proposal_transfers (need_id);

CREATE TABLE proposal_participants (
    proposal_id    bigint NOT NULL REFERENCES proposals (id),
    community_id   bigint NOT NULL REFERENCES communities (id),
    region         text NOT NULL,
    gives_value    numeric(18, 2) NOT NULL,
    receives_value numeric(18, 2) NOT NULL,
    explanation_th text NOT NULL,
    explanation_en text NOT NULL,
    accepted_at    timestamptz,
    accepted_by    bigint REFERENCES api_keys (id),
    PRIMARY KEY (proposal_id, community_id)
);
CREATE INDEX proposal_participants_community ON proposal_participants (community_id);

CREATE TABLE proposal_approvals (
    proposal_id bigint NOT NULL REFERENCES proposals (id),
    region      text NOT NULL,
    approved_at timestamptz NOT NULL,
    approved_by bigint REFERENCES api_keys (id),
    PRIMARY KEY (proposal_id, region)
);

-- What each community gave and received, written when an exchange completes. Never changed.
CREATE TABLE ledger_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id   bigint NOT NULL REFERENCES communities (id),
    proposal_id    bigint NOT NULL REFERENCES proposals (id),
    position       smallint NOT NULL,
    direction      text NOT NULL CHECK (direction IN ('gave', 'received')),
    counterpart_id bigint NOT NULL REFERENCES communities (id),
    item_id        text NOT NULL REFERENCES items (id),
    unit           text NOT NULL,
    quantity       numeric(16, 4) NOT NULL CHECK (quantity > 0),
    value          numeric(18, 2) NOT NULL,
    at             timestamptz NOT NULL,
    UNIQUE (proposal_id, position, direction)
);
CREATE INDEX ledger_entries_community ON ledger_entries (community_id, at);

CREATE FUNCTION ledger_entries_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never updated or deleted' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER ledger_entries_final BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_are_final();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_are_final();

-- Proposals involve several regions; coordinators read the audit log of theirs.
ALTER TABLE audit_log ADD COLUMN regions text[] NOT NULL DEFAULT '{}';
CREATE INDEX audit_log_regions ON audit_log USING gin (regions);
