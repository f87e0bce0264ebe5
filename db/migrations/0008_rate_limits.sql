-- Rate limits (issue 16): one counter per bucket (a key, an address, failed keys from an address)
-- and fixed window, shared by every server process. UNLOGGED: counters are not data; after a
-- crash they start again from zero, which only forgives a little.
CREATE UNLOGGED TABLE rate_counters (
    bucket        text NOT NULL,
    window_start  timestamptz NOT NULL,
    hits          integer NOT NULL CHECK (hits > 0),
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);
