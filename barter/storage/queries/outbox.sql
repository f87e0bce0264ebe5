-- name: insert_outbox_event
INSERT INTO outbox_events (type, regions, payload) VALUES ($1, $2, $3) RETURNING id;
