package report

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/query"
)

// Querier runs one query with bound ? parameters; *query.Engine is one.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (*query.Result, error)
}

// Inputs are what a report run is given.
type Inputs struct {
	// Params are the report's parameters by name, as text; the missing
	// ones take their defaults.
	Params map[string]string
	// Since and Until bound the events looked at (Since inclusive, Until
	// exclusive); zero means unbounded.
	Since, Until time.Time
	// Account is the one account looked at, or empty for every account.
	Account string
	// Now is the time the run is stamped with (default time.Now).
	Now func() time.Time
}

// Bounds of an unbounded scope.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

var accountRE = regexp.MustCompile(`^\d{12}$`)

// Run is one run of a report: what it was given and what it answered.
type Run struct {
	Report *Report
	// Params are the values of the report's parameters, defaults filled
	// in, in declaration order.
	Params []ParamValue
	// Since, Until and Account are the scope (zero times: unbounded).
	Since, Until time.Time
	Account      string
	// SQL is the query that ran, with ? placeholders; Args its bound
	// values in order.
	SQL  string
	Args []any
	// Result is the answer; Generated when it was produced.
	Result    *query.Result
	Generated time.Time
}

// ParamValue is a parameter and its value in a run.
type ParamValue struct {
	Param
	Value string
}

// Bind checks in against r and returns the SQL with ? placeholders and the
// values to bind, in order. Every problem is reported together.
func (r *Report) Bind(in Inputs) (string, []any, []ParamValue, error) {
	var errs []error
	known := map[string]bool{}
	for _, p := range r.Params {
		known[p.Name] = true
	}
	var unknown []string
	for k := range in.Params {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		errs = append(errs, fmt.Errorf("report %s has no parameter %q (it has: %s)", r.Name, k, r.paramNames()))
	}
	if in.Account != "" && !accountRE.MatchString(in.Account) {
		errs = append(errs, fmt.Errorf("account %q is not a 12-digit AWS account id", in.Account))
	}
	if !in.Since.IsZero() && !in.Until.IsZero() && !in.Since.Before(in.Until) {
		errs = append(errs, fmt.Errorf("since (%s) is not before until (%s)", in.Since.Format(time.RFC3339), in.Until.Format(time.RFC3339)))
	}
	values := map[string]any{}
	var pvs []ParamValue
	for _, p := range r.Params {
		s, ok := in.Params[p.Name]
		if !ok {
			if p.Required {
				errs = append(errs, fmt.Errorf("report %s needs --param %s=VALUE (%s)", r.Name, p.Name, p.Doc))
				continue
			}
			s = p.Default
		}
		v, err := p.value(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("parameter %s: %w", p.Name, err))
			continue
		}
		values[p.Name] = v
		pvs = append(pvs, ParamValue{Param: p, Value: s})
	}
	since, until := minTime, maxTime
	if !in.Since.IsZero() {
		since = in.Since.UTC()
	}
	if !in.Until.IsZero() {
		until = in.Until.UTC()
	}
	values["since"], values["until"] = since, until
	values["since_day"] = since.Format(time.DateOnly)
	values["until_day"] = until.Add(-time.Microsecond).Format(time.DateOnly)
	values["account"] = in.Account
	if err := errors.Join(errs...); err != nil {
		return "", nil, nil, err
	}
	text, names, err := Placeholders(r.Body())
	if err != nil {
		return "", nil, nil, fmt.Errorf("BUG: report %s was loaded with bad SQL: %w", r.Name, err)
	}
	if r.where != nil {
		if text, err = withCondition(text, r.where); err != nil {
			return "", nil, nil, fmt.Errorf("BUG: report %s: %w", r.Name, err)
		}
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = values[n]
	}
	return text, args, pvs, nil
}

func (r *Report) paramNames() string {
	if len(r.Params) == 0 {
		return "none"
	}
	var ns []string
	for _, p := range r.Params {
		ns = append(ns, p.Name)
	}
	return strings.Join(ns, ", ")
}

// Run runs report r with in on q.
func (r *Report) Run(ctx context.Context, q Querier, in Inputs) (*Run, error) {
	text, args, pvs, err := r.Bind(in)
	if err != nil {
		return nil, err
	}
	res, err := q.Query(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot run report %s: %w", r.Name, err)
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	return &Run{Report: r, Params: pvs, Since: in.Since, Until: in.Until, Account: in.Account,
		SQL: text, Args: args, Result: res, Generated: now().UTC()}, nil
}
