-- Reserved for the partner API's migration (branch `partner`), which takes number 0005.
-- This placeholder only keeps the numbering contiguous on the `logistics-api` branch: delete it
-- when the partner branch's 0005 is merged.
SELECT 1;
