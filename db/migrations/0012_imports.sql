-- Spreadsheet imports: one row per file a key imported, holding its report. The same file from the
-- same key again answers the stored report and creates nothing (the unique index also makes a
-- concurrent duplicate wait for the first, then find it).
CREATE TABLE imports (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_id        bigint NOT NULL REFERENCES api_keys (id),
    file_hash     bytea NOT NULL CHECK (length(file_hash) = 32),
    format        text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    rows          integer NOT NULL CHECK (rows >= 0),
    created_count integer NOT NULL CHECK (created_count >= 0),
    report        jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT imports_once UNIQUE (key_id, file_hash)
);
