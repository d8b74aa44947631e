package query

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// asError is errors.As for a target type.
func asError[T error](err error) (T, bool) {
	var t T
	ok := errors.As(err, &t)
	return t, ok
}

var (
	reUnknownColumn = regexp.MustCompile(`Referenced column "?([^"\s]+)"? not found in FROM clause!`)
	reUnknownKey    = regexp.MustCompile(`Could not find key "([^"]*)" in struct`)
	reCandidates    = regexp.MustCompile(`Candidate (?:bindings|Entries|tables): (.*)`)
	reUnknownTable  = regexp.MustCompile(`Table with name ([^ ]+) does not exist!`)
	reUnknownFunc   = regexp.MustCompile(`(?:Scalar|Aggregate|Table) Function with name ([^ ]+) does not exist!`)
	reDidYouMean    = regexp.MustCompile(`Did you mean "([^"]+)"`)
	reErrorClass    = regexp.MustCompile(`^[A-Za-z ]*Error: `)
	reMacroName     = regexp.MustCompile(`\bathena_([a-z0-9_]+)`)
)

// cleanError turns an error from DuckDB into one line that says what is
// wrong in the user's terms: unknown columns, struct fields, tables and
// functions name their close matches, and trailsql's internal names
// (athena_* macros, _logs_records) are put back as the user wrote them.
func cleanError(err error, st *lakeState) error {
	if err == nil {
		return nil
	}
	if IsRefused(err) || IsUnsupported(err) {
		return err
	}
	msg := err.Error()
	matches := func(re *regexp.Regexp) []string { return re.FindStringSubmatch(msg) }
	close := ""
	if m := matches(reCandidates); m != nil {
		close = closeMatches(m[1])
	}
	switch {
	case matches(reUnknownColumn) != nil:
		m := matches(reUnknownColumn)
		return &Error{Msg: fmt.Sprintf("unknown column %q%s", m[1], close), Err: err}
	case matches(reUnknownKey) != nil:
		m := matches(reUnknownKey)
		return &Error{Msg: fmt.Sprintf("unknown field %q%s", m[1], close), Err: err}
	case matches(reUnknownTable) != nil:
		m := matches(reUnknownTable)
		hint := ""
		if d := closestTable(m[1], st); d != "" {
			// Not DuckDB's suggestion: the lake's views exist only once a
			// statement has read them.
			hint = fmt.Sprintf("did you mean %s? ", d)
		}
		tables := "cloudtrail, cloudtrail_logs, logs and cloudtrail_<account>"
		if st != nil && len(st.accountViews) > 0 && len(st.accountViews) <= 5 {
			var names []string
			for n := range st.accountViews {
				names = append(names, n)
			}
			tables = "cloudtrail, cloudtrail_logs, logs, " + strings.Join(sortedStrings(names), ", ")
		}
		return &Error{Msg: fmt.Sprintf("unknown table %s (%sthe tables are %s; see 'trailsql tables')", m[1], hint, tables), Err: err}
	case matches(reUnknownFunc) != nil:
		m := matches(reUnknownFunc)
		hint := ""
		if d := matches(reDidYouMean); d != nil {
			hint = fmt.Sprintf(" (did you mean %s?)", internalNames(d[1]))
		}
		return &Error{Msg: fmt.Sprintf("unknown function %s()%s", internalNames(m[1]), hint), Err: err}
	}
	if strings.Contains(msg, "failed to allocate") || strings.Contains(msg, "Out of Memory") {
		return &Error{Msg: "out of memory: the query needs more than the memory limit (raise it with --memory-limit, or narrow the query)", Err: err}
	}
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "LINE ") || strings.Trim(l, "^ ") == "" {
			continue
		}
		if strings.HasPrefix(l, "LINE") {
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return err
	}
	first := reErrorClass.ReplaceAllString(lines[0], "")
	if len(lines) > 1 && len(lines) <= 3 {
		first += " (" + strings.Join(lines[1:], "; ") + ")"
	}
	return &Error{Msg: internalNames(first), Err: err}
}

// closeMatches formats the first three names of DuckDB's candidate list.
func closeMatches(list string) string {
	var names []string
	for _, n := range strings.Split(list, ",") {
		n = strings.Trim(strings.TrimSpace(n), `"`)
		if n == "" || strings.HasPrefix(n, "_") && n != "_object" {
			continue
		}
		names = append(names, internalNames(n))
		if len(names) == 3 {
			break
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (close matches: " + strings.Join(names, ", ") + ")"
}

// internalNames puts back the names the user wrote for trailsql's
// internal ones.
func internalNames(s string) string {
	s = reMacroName.ReplaceAllString(s, "$1")
	return strings.ReplaceAll(s, "_logs_records", "logs")
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Error is a query error from DuckDB, in one line. Line and Column are
// where in the user's SQL it is (see ErrorPosition), 0 when not known.
type Error struct {
	Msg          string
	Err          error // DuckDB's error
	Line, Column int

	context string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("query: line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return "query: " + e.Msg
}
func (e *Error) Unwrap() error { return e.Err }

// closestTable returns the lake table whose name is closest to name, if
// one is close enough to be a typo or a table name of another set-up
// (cloudtrail_logs_mybucket for cloudtrail_logs).
func closestTable(name string, st *lakeState) string {
	names := []string{"cloudtrail", "cloudtrail_logs", "logs"}
	if st != nil {
		names = append(names, sortedStrings(keys(st.accountViews))...)
	}
	name = strings.ToLower(name)
	best, bestD := "", 0
	for _, n := range names {
		d := editDistance(name, n)
		if strings.HasPrefix(name, n+"_") {
			d = min(d, 2) // a suffix of the user's own set-up
		}
		if best == "" || d < bestD || d == bestD && len(n) > len(best) {
			best, bestD = n, d
		}
	}
	if bestD > max(2, len(name)/3) {
		return ""
	}
	return best
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
