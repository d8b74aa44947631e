-- Athena: SHOW PARTITIONS of a per-account table (cloudtrail-partitioner layout).
-- order: exact
SHOW PARTITIONS cloudtrail_444455556666;
