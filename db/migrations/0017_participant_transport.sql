-- Each participant of a proposal: the road distance its goods travel (the transfers it gives) and
-- the transport they are estimated to cost at the run's cost per kg-km (shared trucks). Proposals
-- made before this get them from their transfers and their run's settings.
ALTER TABLE proposal_participants
    ADD COLUMN distance_km numeric(10, 1) NOT NULL DEFAULT 0 CHECK (distance_km >= 0),
    ADD COLUMN transport_estimate numeric(18, 2) NOT NULL DEFAULT 0 CHECK (transport_estimate >= 0);

UPDATE proposal_participants pp
SET distance_km = g.km, transport_estimate = g.cost
FROM (
    SELECT t.proposal_id, t.giver_id,
           round(sum(t.distance_km)::numeric, 1) AS km,
           round(sum(t.quantity * i.kg_per_unit * t.distance_km::numeric
                     * coalesce((r.settings ->> 'transport_cost_per_kg_km')::numeric, 0)), 2) AS cost
    FROM proposal_transfers t
    JOIN items i ON i.id = t.item_id
    JOIN proposals p ON p.id = t.proposal_id
    JOIN matching_runs r ON r.id = p.run_id
    GROUP BY t.proposal_id, t.giver_id
) g
WHERE pp.proposal_id = g.proposal_id AND pp.community_id = g.giver_id;
