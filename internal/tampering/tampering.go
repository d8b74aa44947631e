package tampering

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
)

// ReportName is the report of the report library that finds the events:
// its SQL, in Athena's dialect, has :name parameters (:since, :until,
// :since_day, :until_day, :account and :buckets).
const ReportName = "logging-weakened"

// reportSQL returns the text of the report.
func reportSQL() (string, error) {
	lib, err := report.Load()
	if err != nil {
		return "", fmt.Errorf("cannot load the report library: %w", err)
	}
	r := lib.Lookup(ReportName)
	if r == nil {
		return "", fmt.Errorf("BUG: the report library has no %s report", ReportName)
	}
	return r.SQL, nil
}

// Querier runs SQL over the lake; *query.Engine is one.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (*query.Result, error)
}

// Options select the events examined. The zero value examines every event.
type Options struct {
	// Since and Until bound the event times (Until excluded).
	Since, Until time.Time
	// Account keeps only one account's events.
	Account string
	// Buckets are trail buckets besides those that CreateTrail and
	// UpdateTrail events and log-object requests in the lake name.
	Buckets []string
}

// Params returns the values of SQL's parameters for o.
func (o Options) Params() map[string]any {
	since, until := o.Since.UTC(), o.Until.UTC()
	if o.Since.IsZero() {
		since = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Until.IsZero() {
		until = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return map[string]any{
		"since": since, "until": until,
		"since_day": since.Format(time.DateOnly), "until_day": until.Add(-time.Nanosecond).Format(time.DateOnly),
		"account": o.Account, "buckets": strings.Join(o.Buckets, ","),
	}
}

// Find runs the query: one row per event that weakens logging, with the
// columns time, account, region, eventname, principal, sourceip, target
// (trail or bucket), reason, severity (high or medium) and eventid.
func Find(ctx context.Context, q Querier, o Options) (*query.Result, error) {
	sql, err := reportSQL()
	if err != nil {
		return nil, err
	}
	text, args, err := bind(sql, o.Params())
	if err != nil {
		return nil, fmt.Errorf("BUG: cannot bind tampering query: %w", err)
	}
	res, err := q.Query(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot find tampering events: %w", err)
	}
	return res, nil
}

// bind replaces each :name of text by ? and returns the values in order.
// Quoted text, comments and :: casts are left alone (the syntax of the
// report library's placeholders).
func bind(text string, params map[string]any) (string, []any, error) {
	var b strings.Builder
	var args []any
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(text) && text[j] != c {
				j++
			}
			if j >= len(text) {
				return "", nil, fmt.Errorf("unterminated %c quote at offset %d", c, i)
			}
			b.WriteString(text[i : j+1]) // a doubled quote is two strings side by side
			i = j + 1
		case strings.HasPrefix(text[i:], "--"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				j = len(text) - i
			}
			b.WriteString(text[i : i+j])
			i += j
		case strings.HasPrefix(text[i:], "::"):
			b.WriteString("::")
			i += 2
		case c == ':' && i+1 < len(text) && isIdent(text[i+1]):
			j := i + 1
			for j < len(text) && (isIdent(text[j]) || text[j] >= '0' && text[j] <= '9') {
				j++
			}
			v, ok := params[text[i+1:j]]
			if !ok {
				return "", nil, fmt.Errorf("no value for :%s at offset %d", text[i+1:j], i)
			}
			args = append(args, v)
			b.WriteByte('?')
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), args, nil
}

func isIdent(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
