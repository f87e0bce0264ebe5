-- The network adds goods the shipped catalogue lacks (ปลาทู, ข้าวโพด, มันสำปะหลัง, ...): an item keeps
-- the Thai words people call it by and the counting word Thai says its pieces in, as the shipped
-- catalogue names them (barter/reference/catalogue.json), so the LINE reader, spreadsheets and the
-- console read every item from this table, not from the file. added_by/added_at: who added it
-- through the API or the console (NULL for the shipped items).
ALTER TABLE items
    ADD COLUMN synonyms_th text[] NOT NULL DEFAULT '{}',
    ADD COLUMN counted_th  text CHECK (counted_th IS NULL OR (unit = 'piece' AND counted_th <> '')),
    ADD COLUMN added_by    bigint REFERENCES api_keys (id),
    ADD COLUMN added_at    timestamptz,
    ADD COLUMN position    integer;
-- Two items never share a Thai name: the LINE reader would not know which one a message names.
CREATE UNIQUE INDEX items_name_th ON items (name_th);
-- The next start loads the catalogue file again, filling the shipped items' words.
DELETE FROM reference_loads WHERE name = 'catalogue';
