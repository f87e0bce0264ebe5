-- Placeholder on branch realism only: this number belongs to another branch. Delete this file when merging.
SELECT 1;
