-- name: get_sms_consent
SELECT community_id, number, opted_in, consented_at, opted_out_at, updated_at, version
FROM sms_consents WHERE community_id = $1;

-- name: opt_in_sms
-- ($1 community, $2 number, $3 who, $4 when) A new consent, or a renewed one with a new number.
INSERT INTO sms_consents (community_id, number, opted_in, consented_at, recorded_by, updated_at)
VALUES ($1, $2, true, $4, $3, $4)
ON CONFLICT (community_id) DO UPDATE
SET number = EXCLUDED.number, opted_in = true, consented_at = EXCLUDED.consented_at,
    opted_out_at = NULL, recorded_by = EXCLUDED.recorded_by, updated_at = EXCLUDED.updated_at,
    version = sms_consents.version + 1
RETURNING community_id, number, opted_in, consented_at, opted_out_at, updated_at, version;

-- name: opt_out_sms
-- ($1 community, $2 who, $3 when) Nothing more is texted; the number stays on record.
UPDATE sms_consents
SET opted_in = false, opted_out_at = $3, recorded_by = $2, updated_at = $3, version = version + 1
WHERE community_id = $1 AND opted_in
RETURNING community_id, number, opted_in, consented_at, opted_out_at, updated_at, version;
