-- Idempotency records keep no one-time secret. Three responses carry a secret that the service
-- otherwise keeps only as a hash or derives again (an API key, a LINE link code, a webhook's
-- signing secret); their stored copy for replay leaves it out, and `withheld` names the fields
-- left out, so a replay answers 409 `secret_not_replayed` instead of a response without them
-- (barter/api/http.py).
ALTER TABLE idempotency_keys ADD COLUMN withheld text[] NOT NULL DEFAULT '{}';

-- Scrub what earlier versions stored: the successful responses of those three routes.
UPDATE idempotency_keys
SET body = convert_to((convert_from(body, 'UTF8')::jsonb - 'key')::text, 'UTF8'), withheld = '{key}'
WHERE method = 'POST' AND path ~ '^/v1/keys/?$' AND body IS NOT NULL AND status BETWEEN 200 AND 299;

UPDATE idempotency_keys
SET body = convert_to((convert_from(body, 'UTF8')::jsonb - 'code')::text, 'UTF8'), withheld = '{code}'
WHERE method = 'POST' AND path ~ '^/v1/communities/[0-9]+/line-codes/?$' AND body IS NOT NULL
    AND status BETWEEN 200 AND 299;

UPDATE idempotency_keys
SET body = convert_to((convert_from(body, 'UTF8')::jsonb - 'secret')::text, 'UTF8'), withheld = '{secret}'
WHERE method = 'POST' AND path ~ '^/v1/webhooks/?$' AND body IS NOT NULL AND status BETWEEN 200 AND 299;
