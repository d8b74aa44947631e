package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// TimelineQuery selects the events of a timeline: exactly one of
// Principal, Resource and IP, narrowed by the scope.
type TimelineQuery struct {
	// Principal matches an ARN, user name, access key id, principal id,
	// role session name, sourceIdentity or the role behind a session.
	Principal string
	// Resource matches any text of the request, the response or the
	// resource ARNs: an id (sg-..., i-...), a bucket, an ARN.
	Resource string
	// IP matches the source address.
	IP string
	// Since, Until and Account narrow the events like a report's scope.
	Since, Until time.Time
	Account      string
	// Limit is how many events at most (default 10,000).
	Limit int
}

// TimelineEvent is one line of a timeline.
type TimelineEvent struct {
	Time     time.Time
	Account  string
	Region   string
	Who      string
	Action   string // service:EventName
	Target   string
	SourceIP string
	Outcome  string // OK, or the error code or failure
}

// Validate reports every problem in tq.
func (tq TimelineQuery) Validate() error {
	var errs []error
	n := 0
	for _, s := range []string{tq.Principal, tq.Resource, tq.IP} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		errs = append(errs, errors.New("give exactly one of a principal, a resource and an IP address"))
	}
	if tq.Account != "" && !accountRE.MatchString(tq.Account) {
		errs = append(errs, fmt.Errorf("account %q is not a 12-digit AWS account id", tq.Account))
	}
	if !tq.Since.IsZero() && !tq.Until.IsZero() && !tq.Since.Before(tq.Until) {
		errs = append(errs, errors.New("since is not before until"))
	}
	if tq.Limit < 0 {
		errs = append(errs, errors.New("limit cannot be negative"))
	}
	return errors.Join(errs...)
}

// timelineSQL selects a timeline's events; the parameters are the scope,
// the kind of match ('principal', 'resource' or 'ip'), the value (four
// times) and the limit.
const timelineSQL = `SELECT eventtimestamp, account, awsregion,
       coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid, useridentity.type) AS who,
       replace(eventsource, '.amazonaws.com', '') || ':' || eventname AS action,
       coalesce(json_extract_scalar(requestparameters, '$.groupId'),
                json_extract_scalar(requestparameters, '$.ModifySecurityGroupRulesRequest.GroupId'),
                json_extract_scalar(requestparameters, '$.bucketName') || coalesce('/' || json_extract_scalar(requestparameters, '$.key'), ''),
                json_extract_scalar(requestparameters, '$.userName'),
                json_extract_scalar(requestparameters, '$.roleArn'),
                json_extract_scalar(requestparameters, '$.roleName'),
                json_extract_scalar(requestparameters, '$.instanceId'),
                json_extract_scalar(requestparameters, '$.secretId'),
                json_extract_scalar(requestparameters, '$.keyId'),
                json_extract_scalar(requestparameters, '$.functionName'),
                json_extract_scalar(requestparameters, '$.tableName'),
                json_extract_scalar(requestparameters, '$.name'),
                element_at(resources, 1).arn, '') AS target,
       coalesce(sourceipaddress, '') AS source_ip,
       coalesce(errorcode,
                CASE WHEN json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure' THEN 'Failure' END,
                'OK') AS outcome
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN ? AND ?
  AND eventtimestamp >= ? AND eventtimestamp < ?
  AND (? = '' OR account = ?)
  AND CASE ?
        WHEN 'ip' THEN sourceipaddress = ?
        WHEN 'resource' THEN strpos(coalesce(requestparameters, '') || ' ' || coalesce(responseelements, '') || ' '
                                    || coalesce(array_join(transform(resources, r -> r.arn), ' '), ''), ?) > 0
        ELSE useridentity.arn = ? OR useridentity.username = ? OR useridentity.accesskeyid = ?
             OR useridentity.principalid = ? OR useridentity.sessioncontext.sourceidentity = ?
             OR useridentity.sessioncontext.sessionissuer.arn = ? OR useridentity.sessioncontext.sessionissuer.username = ?
             OR (useridentity.type = 'AssumedRole' AND useridentity.arn LIKE '%/' || CAST(? AS VARCHAR))
      END
ORDER BY eventtimestamp, eventid
LIMIT ?`

// Timeline returns the events tq selects, in time order.
func Timeline(ctx context.Context, q Querier, tq TimelineQuery) ([]TimelineEvent, error) {
	if err := tq.Validate(); err != nil {
		return nil, err
	}
	kind, v := "principal", tq.Principal
	switch {
	case tq.IP != "":
		kind, v = "ip", tq.IP
	case tq.Resource != "":
		kind, v = "resource", tq.Resource
	}
	since, until := minTime, maxTime
	if !tq.Since.IsZero() {
		since = tq.Since.UTC()
	}
	if !tq.Until.IsZero() {
		until = tq.Until.UTC()
	}
	limit := tq.Limit
	if limit == 0 {
		limit = 10_000
	}
	args := []any{since.Format(time.DateOnly), until.Add(-time.Microsecond).Format(time.DateOnly), since, until,
		tq.Account, tq.Account, kind, v, v, v, v, v, v, v, v, v, v, int64(limit)}
	res, err := q.Query(ctx, timelineSQL, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot build the timeline: %w", err)
	}
	out := make([]TimelineEvent, 0, len(res.Rows))
	for _, row := range res.Rows {
		var e TimelineEvent
		if t, ok := row[0].(time.Time); ok {
			e.Time = t.UTC()
		}
		str := func(i int) string { s, _ := row[i].(string); return s }
		e.Account, e.Region, e.Who, e.Action, e.Target, e.SourceIP, e.Outcome = str(1), str(2), str(3), str(4), str(5), str(6), str(7)
		out = append(out, e)
	}
	return out, nil
}

// WriteTimeline writes one aligned line per event: time, account, region,
// who, what, on what, from where, outcome. ARNs lose the arn:aws:SERVICE::ACCOUNT:
// prefix when the account is the event's.
func WriteTimeline(w io.Writer, events []TimelineEvent) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tACCOUNT\tREGION\tWHO\tWHAT\tON\tFROM\tOUTCOME")
	for _, e := range events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.Format("2006-01-02 15:04:05"), e.Account, e.Region,
			shortARN(e.Who, e.Account), e.Action, dash(shortARN(e.Target, e.Account)), dash(e.SourceIP), e.Outcome)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortARN drops the arn:aws:iam::ACCOUNT: or arn:aws:sts::ACCOUNT: prefix
// of an ARN in account.
func shortARN(s, account string) string {
	for _, svc := range []string{"iam", "sts"} {
		if p := "arn:aws:" + svc + "::" + account + ":"; strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}
