package report

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/sqltree"
)

//go:embed reports/*.sql
var embedded embed.FS

// Report is one built-in investigation.
type Report struct {
	// Name is the file name without .sql: what `trailsql report run`
	// takes.
	Name string
	// Title is a short name for humans; Question the question the report
	// answers, in the words of the people who ask it; Description how it
	// answers it.
	Title, Question, Description string
	// Params are the report's own parameters, in declaration order (the
	// scope parameters are not listed).
	Params []Param
	// SQL is the query as written, with :name parameters and its header.
	SQL string
	// Rules are the built-in detection rules (by name) the report shares
	// its selection with (header `-- rule: a, b`): each SELECT of SQL that
	// reads cloudtrail also keeps only the events one of them matches, as
	// compiled by package detect, so that the report and the rules answer
	// from one condition.
	Rules []string

	where sqltree.Expr // the OR of the Rules' conditions
}

// Param is one parameter of a report.
type Param struct {
	Name string
	// Type is string, int or time (RFC 3339 or YYYY-MM-DD).
	Type string
	// Default is the value when none is given; Required says that there is
	// none and a value must be given.
	Default  string
	Required bool
	Doc      string
}

// Param types.
const (
	TypeString = "string"
	TypeInt    = "int"
	TypeTime   = "time"
)

// scopeParams are the parameters every report receives (see the package
// documentation).
var scopeParams = []string{"since", "until", "since_day", "until_day", "account"}

// Library is a set of reports, by name.
type Library struct {
	reports []*Report
	byName  map[string]*Report
}

// Load parses the embedded reports.
func Load() (*Library, error) {
	sub, err := fs.Sub(embedded, "reports")
	if err != nil {
		return nil, fmt.Errorf("cannot load reports: %w", err)
	}
	return LoadFS(sub)
}

// LoadFS parses every *.sql file at the top of fsys as a report. It
// reports every problem it finds, not only the first.
func LoadFS(fsys fs.FS) (*Library, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("cannot load reports: %w", err)
	}
	sort.Strings(names)
	lib := &Library{byName: map[string]*Report{}}
	var errs []error
	var conds map[string]sqltree.Expr
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot read report %s: %w", n, err))
			continue
		}
		r, err := Parse(strings.TrimSuffix(path.Base(n), ".sql"), string(b))
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot load report %s: %w", n, err))
			continue
		}
		if len(r.Rules) > 0 {
			if conds == nil {
				if conds, err = ruleConditions(); err != nil {
					return nil, err
				}
			}
			if err := r.linkRules(conds); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		lib.reports = append(lib.reports, r)
		lib.byName[r.Name] = r
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return lib, nil
}

// Reports returns the reports, by name.
func (l *Library) Reports() []*Report { return l.reports }

// Lookup returns the report called name, or nil.
func (l *Library) Lookup(name string) *Report { return l.byName[name] }

var (
	nameRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	paramRE = regexp.MustCompile(`^([a-z_][a-z0-9_]*) \((string|int|time)(?:, (required|default (.*)))?\): (.+)$`)
)

// Parse parses the text of one report file.
func Parse(name, text string) (*Report, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("report name %q is not lower-case words joined by -", name)
	}
	r := &Report{Name: name, SQL: text}
	var errs []error
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "--") {
			break
		}
		key, val, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "--")), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "title":
			r.Title = val
		case "question":
			r.Question = val
		case "rule":
			for _, n := range strings.Split(val, ",") {
				if n = strings.TrimSpace(n); n != "" {
					r.Rules = append(r.Rules, n)
				}
			}
		case "description":
			if r.Description != "" {
				r.Description += " "
			}
			r.Description += val
		case "param":
			m := paramRE.FindStringSubmatch(val)
			if m == nil {
				errs = append(errs, fmt.Errorf("line %d: param %q is not NAME (TYPE[, required|, default VALUE]): DOC", i+1, val))
				continue
			}
			p := Param{Name: m[1], Type: m[2], Required: m[3] == "required", Doc: m[5]}
			if d := m[4]; d != "" {
				if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
					d = d[1 : len(d)-1]
				}
				p.Default = d
				if _, err := p.value(d); err != nil {
					errs = append(errs, fmt.Errorf("line %d: default of %s: %w", i+1, p.Name, err))
				}
			}
			if seen[p.Name] || isScope(p.Name) {
				errs = append(errs, fmt.Errorf("line %d: parameter %s is declared twice or is a scope parameter", i+1, p.Name))
			}
			seen[p.Name] = true
			r.Params = append(r.Params, p)
		}
	}
	if r.Title == "" || r.Question == "" {
		errs = append(errs, errors.New("the header needs a title and a question"))
	}
	_, names, err := Placeholders(text)
	if err != nil {
		errs = append(errs, err)
	}
	used := map[string]bool{}
	for _, n := range names {
		used[n] = true
		if !seen[n] && !isScope(n) {
			errs = append(errs, fmt.Errorf("the SQL uses :%s, which is not declared", n))
		}
	}
	for _, p := range r.Params {
		if !used[p.Name] {
			errs = append(errs, fmt.Errorf("parameter %s is declared but not used", p.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

func isScope(name string) bool {
	for _, s := range scopeParams {
		if s == name {
			return true
		}
	}
	return false
}

// Param returns the parameter called name, or nil.
func (r *Report) Param(name string) *Param {
	for i := range r.Params {
		if r.Params[i].Name == name {
			return &r.Params[i]
		}
	}
	return nil
}

// Body returns the SQL without its header comments.
func (r *Report) Body() string {
	lines := strings.Split(r.SQL, "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], "--") {
		i++
	}
	return strings.TrimSpace(strings.Join(lines[i:], "\n"))
}

// value converts s to the Go value bound for a parameter of p's type.
func (p *Param) value(s string) (any, error) {
	switch p.Type {
	case TypeInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return n, nil
	case TypeTime:
		return ParseTime(s)
	}
	return s, nil
}

// ParseTime parses an RFC 3339 time or a YYYY-MM-DD date (midnight UTC).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want RFC 3339, like 2019-09-30T13:00:00Z, or a date, like 2019-09-30)", s)
}
