-- Logistics: stored plans over approved proposals (or, for a preview, proposed ones), their
-- shipments (one vehicle trip each), and what became of every transfer of a plan.

CREATE TABLE logistics_plans (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    preview       boolean NOT NULL,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    scope         text[] NOT NULL,  -- the regions asked for
    regions       text[] NOT NULL,  -- every region involved: the scope, the proposals', the stops'
    proposal_ids  bigint[] NOT NULL,
    seed          integer NOT NULL,
    strategy      text NOT NULL CHECK (strategy IN ('corridors', 'hubs')),
    starts_at     timestamptz NOT NULL,
    time_limited  integer NOT NULL,
    totals        jsonb NOT NULL,
    deferred      integer NOT NULL DEFAULT 0,  -- proposals left for the next plan (size bound)
    places        jsonb NOT NULL,  -- the planner's place keys -> Thai and English names
    input         jsonb NOT NULL,  -- the planner's PlanInput: planning it again gives the same plan
    document      jsonb NOT NULL,  -- the planner's Plan, as it answered
    requested_by  bigint REFERENCES api_keys (id),
    created_at    timestamptz NOT NULL,
    cancelled_at  timestamptz,
    cancelled_by  bigint REFERENCES api_keys (id),
    version       integer NOT NULL DEFAULT 1,
    CONSTRAINT logistics_plans_regions_known CHECK (
        cardinality(scope) > 0
        AND regions <@ ARRAY['north', 'northeast', 'central', 'east', 'west', 'south']::text[])
);
CREATE INDEX logistics_plans_regions ON logistics_plans USING gin (regions);

-- A proposal travels on at most one active stored plan (previews claim nothing). Cancelling a
-- plan deletes its claims, so its proposals can be planned again.
CREATE TABLE planned_proposals (
    proposal_id bigint PRIMARY KEY REFERENCES proposals (id),
    plan_id     bigint NOT NULL REFERENCES logistics_plans (id)
);
CREATE INDEX planned_proposals_plan ON planned_proposals (plan_id);

-- What became of each transfer of a plan: exactly one row per transfer, or per lot when a
-- transfer heavier than any vehicle was cut into lots (lot 0 is a whole transfer).
CREATE TABLE plan_transfers (
    plan_id     bigint NOT NULL REFERENCES logistics_plans (id),
    proposal_id bigint NOT NULL,
    position    smallint NOT NULL,
    lot         smallint NOT NULL CHECK (lot >= 0),
    quantity    numeric(16, 4) NOT NULL CHECK (quantity > 0),
    weight_kg   double precision NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('shipped', 'handover', 'unplaced')),
    km          double precision,
    reason      text CHECK (reason IN ('too_heavy', 'impossible_window', 'no_vehicle', 'no_fleet')),
    detail      text,
    PRIMARY KEY (plan_id, proposal_id, position, lot),
    FOREIGN KEY (proposal_id, position) REFERENCES proposal_transfers (proposal_id, position),
    CONSTRAINT plan_transfers_reason CHECK ((outcome = 'unplaced') = (reason IS NOT NULL))
);

CREATE TABLE shipments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       bigint NOT NULL REFERENCES logistics_plans (id),
    code          text NOT NULL,  -- the planner's id within its plan (S001, ...)
    status        text NOT NULL DEFAULT 'planned'
                  CHECK (status IN ('planned', 'loading', 'on_the_road', 'delivered', 'cancelled')),
    vehicle       text NOT NULL,
    kind          text NOT NULL,
    unit          integer NOT NULL,
    capacity_kg   double precision NOT NULL,
    regions       text[] NOT NULL,
    km            double precision NOT NULL,
    cost          double precision NOT NULL,
    max_load_kg   double precision NOT NULL CHECK (max_load_kg <= capacity_kg + 0.01),
    departure     timestamptz NOT NULL,
    arrival       timestamptz NOT NULL,
    stops         jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    loading_at    timestamptz,
    departed_at   timestamptz,
    delivered_at  timestamptz,
    cancelled_at  timestamptz,
    version       integer NOT NULL DEFAULT 1,
    UNIQUE (plan_id, code)
);
CREATE INDEX shipments_plan ON shipments (plan_id, id);
CREATE INDEX shipments_regions ON shipments USING gin (regions);

-- The legs each shipment carries: a transfer through hubs travels on up to three shipments,
-- each leg on exactly one.
CREATE TABLE shipment_transfers (
    shipment_id bigint NOT NULL REFERENCES shipments (id),
    plan_id     bigint NOT NULL,
    proposal_id bigint NOT NULL,
    position    smallint NOT NULL,
    lot         smallint NOT NULL,
    leg         smallint NOT NULL,
    legs        smallint NOT NULL,
    pickup      timestamptz NOT NULL,
    dropoff     timestamptz NOT NULL CHECK (dropoff > pickup),
    PRIMARY KEY (shipment_id, proposal_id, position, lot),
    UNIQUE (plan_id, proposal_id, position, lot, leg),
    FOREIGN KEY (plan_id, proposal_id, position, lot)
        REFERENCES plan_transfers (plan_id, proposal_id, position, lot),
    CONSTRAINT shipment_transfers_leg CHECK (leg BETWEEN 1 AND legs AND legs <= 3)
);
CREATE INDEX shipment_transfers_proposal ON shipment_transfers (proposal_id);
