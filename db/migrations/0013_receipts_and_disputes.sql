-- Receipts as delivered: each transfer records what arrived and in what condition; the ledger
-- keeps the planned quantity beside the delivered one; a shortfall opens a dispute that a
-- coordinator of the region resolves (accept as delivered, or the giver makes it up).

ALTER TABLE proposal_transfers
    ADD COLUMN received_quantity numeric(16, 4) CHECK (received_quantity >= 0),
    ADD COLUMN condition text CHECK (condition IN ('good', 'short', 'spoiled')),
    ADD COLUMN receipt_note text,
    ADD COLUMN photo_ref text,
    ADD CONSTRAINT proposal_transfers_received_le_planned
        CHECK (received_quantity IS NULL OR received_quantity <= quantity);

-- A delivery entry is written at completion (what arrived, beside what was planned); a make-up
-- entry when the giver makes up a shortfall. Entries stay append-only.
ALTER TABLE ledger_entries
    ADD COLUMN entry text NOT NULL DEFAULT 'delivery' CHECK (entry IN ('delivery', 'make_up')),
    ADD COLUMN planned_quantity numeric(16, 4) NOT NULL DEFAULT 0 CHECK (planned_quantity >= 0),
    DROP CONSTRAINT ledger_entries_quantity_check,
    ADD CONSTRAINT ledger_entries_quantity_check CHECK (quantity >= 0),
    DROP CONSTRAINT ledger_entries_proposal_id_position_direction_key,
    ADD CONSTRAINT ledger_entries_one_per_entry UNIQUE (proposal_id, position, direction, entry);
-- Every entry written before this migration was a full delivery.
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_final;
UPDATE ledger_entries SET planned_quantity = quantity;
ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_final;

CREATE TABLE disputes (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id   bigint NOT NULL REFERENCES proposals (id),
    position      smallint NOT NULL,
    giver_id      bigint NOT NULL REFERENCES communities (id),
    receiver_id   bigint NOT NULL REFERENCES communities (id),
    -- the regions of the giver and the receiver: a coordinator of either resolves
    regions       text[] NOT NULL,
    item_id       text NOT NULL REFERENCES items (id),
    unit          text NOT NULL,
    planned       numeric(16, 4) NOT NULL CHECK (planned > 0),
    received      numeric(16, 4) NOT NULL CHECK (received >= 0 AND received < planned),
    condition     text NOT NULL CHECK (condition IN ('short', 'spoiled')),
    note          text,
    photo_ref     text,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'made_up')),
    resolution_note text,
    resolved_by   bigint REFERENCES api_keys (id),
    resolved_at   timestamptz,
    created_at    timestamptz NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    UNIQUE (proposal_id, position),
    FOREIGN KEY (proposal_id, position) REFERENCES proposal_transfers (proposal_id, position),
    CONSTRAINT disputes_resolved CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE INDEX disputes_open ON disputes (status, id);
CREATE INDEX disputes_regions ON disputes USING gin (regions);
