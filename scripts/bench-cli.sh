#!/usr/bin/env bash
# Times common questions through the trailsql CLI on a lake, as a user runs
# them: process start, lake listing, views and DuckDB included. Five runs
# each, the median printed. The security-group id and the day are taken
# from the lake itself.
# Usage: scripts/bench-cli.sh LAKE [TRAILSQL_BINARY]
set -euo pipefail
lake=${1:?usage: scripts/bench-cli.sh LAKE [TRAILSQL_BINARY]}
bin=${2:-trailsql}
one() { "$bin" query --lake "$lake" --format csv "$1" | tr -d '\r' | sed -n 2p; }
sg=$(one "SELECT regexp_extract(requestparameters, 'sg-[0-9a-f]{8,17}') FROM cloudtrail WHERE requestparameters LIKE '%sg-%' LIMIT 1")
read -r acct y m d < <(one "SELECT account || ' ' || year || ' ' || month || ' ' || day FROM cloudtrail GROUP BY 1 ORDER BY count(*) DESC LIMIT 1" | tr -d '"')
questions=(
	"select-1|SELECT 1"
	"count|SELECT count(*) FROM cloudtrail"
	"errors-by-principal|SELECT useridentity.arn, errorcode, count(*) c FROM cloudtrail WHERE errorcode IS NOT NULL GROUP BY 1, 2 ORDER BY c DESC LIMIT 5"
	"sg-needle|SELECT eventtime, eventname FROM cloudtrail WHERE requestparameters LIKE '%$sg%'"
	"one-day|SELECT eventname, count(*) FROM cloudtrail WHERE account = '$acct' AND year = '$y' AND month = '$m' AND day = '$d' GROUP BY 1 ORDER BY 2 DESC LIMIT 5"
)
for q in "${questions[@]}"; do
	name=${q%%|*}
	sql=${q#*|}
	times=()
	for _ in 1 2 3 4 5; do
		start=$(date +%s%N)
		"$bin" query --lake "$lake" "$sql" >/dev/null
		times+=($(( ($(date +%s%N) - start) / 1000000 )))
	done
	median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
	printf '%-20s %5d ms   (%s)\n' "$name" "$median" "${times[*]}"
done
