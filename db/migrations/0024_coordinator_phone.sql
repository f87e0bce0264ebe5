-- A coordinator's phone number, for the members without a smartphone whom barter tells by SMS: a
-- proposal SMS says whom to call to answer it or to stop SMS (barter.channels.notices), the number
-- of a coordinator of the community's region. Optional; kept as a Thai mobile number is dialled
-- (0XXXXXXXXX, barter.domain.phone.thai_mobile), only on coordinator keys. Set by the coordinator
-- (its own key) or an admin: PUT /v1/keys/{id}/phone. Read by admins (GET /v1/keys) and said in
-- the SMS to the region's communities, never answered to community or partner keys.
ALTER TABLE api_keys ADD COLUMN phone text;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_phone_of_coordinator CHECK (
    phone IS NULL OR (role = 'coordinator' AND phone ~ '^0[689][0-9]{8}$'));
