// Package bench measures trailsql against its baselines on generated data:
// ingest throughput, peak memory and lake size against DuckDB's own
// read_json → Parquet conversion of the same files. Each side runs in its
// own child process so that its peak RSS is its own.
package bench
