-- The coordinator console's sign-in sessions: server-side, so signing out or revoking the key
-- ends them at once, and they survive a restart. Only a hash of the cookie's token is stored.

CREATE TABLE console_sessions (
    token_hash   bytea PRIMARY KEY,
    key_id       bigint NOT NULL REFERENCES api_keys (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    CONSTRAINT console_sessions_expiry_after_creation CHECK (expires_at > created_at)
);

CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);
