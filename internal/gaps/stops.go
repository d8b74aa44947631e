package gaps

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// stopsSQL lists the successful calls that stop or start a trail's logging.
const stopsSQL = `SELECT account, region, eventtimestamp, eventname,
  coalesce(json_extract_scalar(requestparameters, '$.name'), json_extract_scalar(requestparameters, '$.trailName'), '') AS trail,
  coalesce(useridentity.arn, useridentity.principalid, useridentity.type, '') AS who
FROM cloudtrail
WHERE eventsource = 'cloudtrail.amazonaws.com'
  AND eventname IN ('StopLogging', 'StartLogging', 'DeleteTrail')
  AND errorcode IS NULL AND eventtimestamp IS NOT NULL`

// findStops pairs each StopLogging or DeleteTrail with the next
// StartLogging of the same trail.
func findStops(ctx context.Context, q Querier, where string, args []any) ([]Stop, error) {
	res, err := q.Query(ctx, stopsSQL+where+"\nORDER BY eventtimestamp, eventid", args...)
	if err != nil {
		return nil, fmt.Errorf("cannot list StopLogging and StartLogging calls: %w", err)
	}
	open := map[string]int{} // trail → index in out of its open stop
	out := []Stop{}
	for _, row := range res.Rows {
		t, _ := row[2].(time.Time)
		acct, trail := trailID(str(row[0]), str(row[4]))
		id := acct + "/" + trail
		switch name := str(row[3]); name {
		case "StopLogging", "DeleteTrail":
			if _, ok := open[id]; ok {
				continue
			}
			open[id] = len(out)
			out = append(out, Stop{Account: acct, Region: str(row[1]), Trail: trail, Event: name, Stopped: t.UTC(), StoppedBy: str(row[5])})
		case "StartLogging":
			if i, ok := open[id]; ok {
				out[i].Started, out[i].StartedBy = t.UTC(), str(row[5])
				delete(open, id)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Stopped.Before(out[j].Stopped) })
	return out, nil
}

// trailID returns the account and name of a trail named by name or ARN
// (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME) in a call from account.
func trailID(account, trail string) (string, string) {
	if rest, ok := strings.CutPrefix(trail, "arn:"); ok {
		parts := strings.SplitN(rest, ":", 5)
		if len(parts) == 5 {
			if parts[3] != "" {
				account = parts[3]
			}
			trail = strings.TrimPrefix(parts[4], "trail/")
		}
	}
	return account, trail
}
