-- Athena: SHOW COLUMNS of the table.
-- order: exact
SHOW COLUMNS IN cloudtrail;
