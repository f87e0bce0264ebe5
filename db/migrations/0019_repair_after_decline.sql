-- Repair after a decline (issue 12). A decline or rejection names who: the community that
-- declined, or the regions whose coordinator rejected (besides the key, `ended_by`).
ALTER TABLE proposals
    ADD COLUMN ended_by_community bigint REFERENCES communities (id),
    ADD COLUMN ended_by_regions   text[];

-- The declined exchange's arcs (offer -> need) that involve the decliner: they are not proposed
-- again while they cool down (read against the run's clock and the cooldown setting, so a changed
-- setting applies to what is already stored).
CREATE TABLE declined_arcs (
    proposal_id  bigint NOT NULL REFERENCES proposals (id),
    offer_id     bigint NOT NULL REFERENCES offers (id),
    need_id      bigint NOT NULL REFERENCES needs (id),
    community_id bigint REFERENCES communities (id),  -- the community that declined, or
    regions      text[],                              -- the regions that rejected
    declined_at  timestamptz NOT NULL,
    PRIMARY KEY (proposal_id, offer_id, need_id),
    CHECK ((community_id IS NULL) <> (regions IS NULL))
);
CREATE INDEX declined_arcs_recent ON declined_arcs (declined_at);

-- A repair run re-solves at once around a declined or rejected proposal, with that proposal's
-- run's settings. It is queued in the decline's own transaction and started by a runner once
-- its regions are free (a repair queued while another run holds them waits for it).
ALTER TABLE matching_runs
    ADD COLUMN kind      text NOT NULL DEFAULT 'run' CHECK (kind IN ('run', 'repair')),
    ADD COLUMN repair_of bigint REFERENCES proposals (id),
    ADD CONSTRAINT matching_runs_repair_names_its_proposal CHECK ((kind = 'repair') = (repair_of IS NOT NULL));
CREATE INDEX matching_runs_queued_repairs ON matching_runs (id) WHERE kind = 'repair' AND status = 'queued';
