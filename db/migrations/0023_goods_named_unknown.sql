-- Goods a community named that the catalogue did not know ("มีปลาทู 20 กิโล" before anyone added
-- ปลาทู): the word as typed (tidied as goods' names are: spaces around it dropped, runs of spaces
-- one), by community and channel, how many times and when first and last, so that coordinators
-- see what people want to trade and add it (the console's goods page). Only the words the LINE
-- reader or a spreadsheet's goods column took for goods, never a whole message, and only of a
-- community: a LINE chat linked to one, a spreadsheet row of one its importer acts for (no words of
-- strangers). word_key is the word as names are compared (without spaces): adding goods
-- whose Thai name or other name is that word deletes its rows (barter.services.catalogue).
CREATE TABLE unknown_goods (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    word         text NOT NULL CHECK (word <> '' AND char_length(word) <= 60),
    word_key     text NOT NULL GENERATED ALWAYS AS (replace(word, ' ', '')) STORED,
    community_id bigint NOT NULL REFERENCES communities (id),
    channel      text NOT NULL CHECK (channel IN ('line', 'import')),
    times        integer NOT NULL DEFAULT 1 CHECK (times > 0),
    first_seen   timestamptz NOT NULL,
    last_seen    timestamptz NOT NULL,
    CONSTRAINT unknown_goods_once UNIQUE (word_key, community_id, channel)
);
CREATE INDEX unknown_goods_community ON unknown_goods (community_id);
