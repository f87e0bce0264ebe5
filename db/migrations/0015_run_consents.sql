-- Runs across regions with consent: a coordinator asks for a run over its own regions and others';
-- a coordinator of each other region consents or declines; the run starts once every region has
-- consented. A request left unanswered past expires_at is expired (read from the clock, not stored).
CREATE TABLE run_requests (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regions      text[] NOT NULL CHECK (cardinality(regions) BETWEEN 2 AND 6),
    overrides    jsonb NOT NULL DEFAULT '{}',  -- the run's settings as asked (RunRequest, no regions)
    requested_by bigint NOT NULL REFERENCES api_keys (id),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'started', 'declined')),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    decided_at   timestamptz,
    run_id       bigint UNIQUE REFERENCES matching_runs (id),
    CHECK (expires_at > created_at),
    CHECK ((status = 'started') = (run_id IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX run_requests_regions ON run_requests USING gin (regions);

-- One answer per region of a request; the requester's own regions are answered when it asks.
CREATE TABLE run_consents (
    request_id  bigint NOT NULL REFERENCES run_requests (id),
    region      text NOT NULL,
    answer      text CHECK (answer IN ('consented', 'declined')),
    answered_by bigint REFERENCES api_keys (id),
    answered_at timestamptz,
    reason      text CHECK (length(reason) <= 500),
    PRIMARY KEY (request_id, region),
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
