-- Own terms, whole units and recurring offers.

-- Units that come whole: a listing's quantity is a multiple of its item's step (pieces, trays and
-- packs whole; kg and litres to a step). The reference loader sets the catalogue's steps.
ALTER TABLE items ADD COLUMN quantity_step numeric(12, 4) NOT NULL DEFAULT 0.0001 CHECK (quantity_step > 0);
UPDATE items SET quantity_step = CASE WHEN unit IN ('piece', 'pack') THEN 1 ELSE 0.1 END;

-- Reference values are versioned: every change is kept, national (region NULL) or for one region.
CREATE TABLE item_value_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id     text NOT NULL REFERENCES items (id),
    region      text CHECK (region IN ('north', 'northeast', 'central', 'east', 'west', 'south')),
    value       numeric(14, 2) NOT NULL CHECK (value > 0),
    version     integer NOT NULL,
    changed_by  bigint REFERENCES api_keys (id),
    reason      text,
    at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (item_id, region, version)
);
CREATE TABLE item_region_values (
    item_id     text NOT NULL REFERENCES items (id),
    region      text NOT NULL CHECK (region IN ('north', 'northeast', 'central', 'east', 'west', 'south')),
    value       numeric(14, 2) NOT NULL CHECK (value > 0),
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, region)
);

-- A community's own terms: its own value per unit, or "at least N of item X for each unit of mine".
ALTER TABLE offers
    ADD COLUMN own_value numeric(14, 2) CHECK (own_value > 0),
    ADD COLUMN min_ratio_item_id text REFERENCES items (id),
    ADD COLUMN min_ratio numeric(12, 4) CHECK (min_ratio > 0),
    ADD CONSTRAINT offers_min_ratio_whole CHECK ((min_ratio_item_id IS NULL) = (min_ratio IS NULL)),
    -- Recurring offers: every `recur_every`, `recur_quantity` more opens, until `recur_until`.
    ADD COLUMN recur_every text CHECK (recur_every IN ('week', 'month')),
    ADD COLUMN recur_quantity numeric(16, 4) CHECK (recur_quantity > 0),
    ADD COLUMN recur_until date,
    ADD COLUMN recur_next date,
    ADD CONSTRAINT offers_recurrence_whole CHECK (
        (recur_every IS NULL) = (recur_quantity IS NULL) AND (recur_every IS NULL) = (recur_next IS NULL));
ALTER TABLE needs ADD COLUMN own_value numeric(14, 2) CHECK (own_value > 0);
