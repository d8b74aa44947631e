package query

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// The Athena functions that DuckDB lacks are SQL macros (funcs.go,
// func_*.go). There are dozens, and creating them all took DuckDB longer
// than the rest of an engine's start-up, so each is created when the first
// statement that calls it runs (Engine.ensureMacros).

// macroDef is one macro: its name, the statement that creates it, and the
// macros its body calls.
type macroDef struct {
	name string
	stmt string
	deps []string
}

// macroDefs returns the macros of macroStatements by name.
func macroDefs() map[string]macroDef {
	defs := map[string]macroDef{}
	for _, s := range macroStatements() {
		rest := strings.TrimPrefix(s, "CREATE OR REPLACE MACRO ")
		i := strings.IndexByte(rest, '(')
		if i <= 0 || rest == s {
			panic("BUG: not a macro statement: " + s)
		}
		name := rest[:i]
		defs[name] = macroDef{name: name, stmt: s}
	}
	for name, d := range defs {
		body := d.stmt[len("CREATE OR REPLACE MACRO ")+len(name):]
		for other := range defs {
			if other != name && calls(body, other) {
				d.deps = append(d.deps, other)
			}
		}
		sort.Strings(d.deps)
		defs[name] = d
	}
	return defs
}

// calls reports whether sql calls the function name: name, not preceded
// by a letter, digit or underscore, then "(" after optional white space.
// (A false positive, in a string or a comment, only creates a macro that
// is not used.)
func calls(sql, name string) bool {
	for i := 0; ; {
		j := strings.Index(sql[i:], name)
		if j < 0 {
			return false
		}
		j += i
		k := j + len(name)
		for k < len(sql) && (sql[k] == ' ' || sql[k] == '\t' || sql[k] == '\n' || sql[k] == '\r') {
			k++
		}
		if (j == 0 || !isWordByte(sql[j-1])) && k < len(sql) && sql[k] == '(' {
			return true
		}
		i = j + 1
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ensureMacros creates the macros that sql calls, and the macros they
// call, unless they exist.
func (e *Engine) ensureMacros(ctx context.Context, c *sql.Conn, sql string) error {
	e.macroMu.Lock()
	defer e.macroMu.Unlock()
	var create func(n string) error
	create = func(n string) error {
		if e.macrosMade[n] {
			return nil
		}
		d := e.macros[n]
		for _, dep := range d.deps {
			if err := create(dep); err != nil {
				return err
			}
		}
		if _, err := c.ExecContext(ctx, d.stmt); err != nil {
			return fmt.Errorf("BUG: cannot create macro (%s): %w", d.stmt, err)
		}
		e.macrosMade[n] = true
		return nil
	}
	for n := range e.macros {
		if !e.macrosMade[n] && calls(sql, n) {
			if err := create(n); err != nil {
				return err
			}
		}
	}
	return nil
}
