-- A spreadsheet names a community's goods word once per importing key and Thai day: a coordinator's
-- dry runs of one sheet, repeated while the sheet is checked and fixed, and the import that
-- follows, are one naming, not one each (a repeat with the same content counted again, and so did
-- each fix of another row). counted_on: the Thai day of the last import naming it, counted_by: the
-- keys whose sheets named it that day (none for LINE, where each message counts).
ALTER TABLE unknown_goods
    ADD COLUMN counted_on date,
    ADD COLUMN counted_by bigint[],
    ADD CONSTRAINT unknown_goods_counted_by_import
        CHECK (channel = 'import' OR (counted_on IS NULL AND counted_by IS NULL));
