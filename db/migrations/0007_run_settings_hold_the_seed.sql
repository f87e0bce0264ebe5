-- A run's row keeps its whole engine settings (barter.matching.model.EngineSettings), the seed
-- included, in one document: what the engine ran with is read back from one place.

UPDATE matching_runs SET settings = settings || jsonb_build_object('seed', seed);
ALTER TABLE matching_runs DROP COLUMN seed;
ALTER TABLE matching_runs ADD CONSTRAINT matching_runs_settings_seeded
    CHECK (jsonb_typeof(settings -> 'seed') = 'number');
