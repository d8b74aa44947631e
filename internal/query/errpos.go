package query

import (
	"errors"
	"regexp"
	"strings"

	"github.com/trailsql/trailsql/internal/sqltree"
)

// Position is where in the user's SQL a query error is: the 1-based line
// and column (in characters), and Context, the source line with a caret
// under the spot.
type Position struct {
	Line, Column int
	Context      string
}

// ErrorPosition returns where in the user's SQL err is, when it is known:
// for a syntax error, an unknown function or type, a type error found when
// the query was compiled, and the errors DuckDB finds when it binds the
// query (an unknown column, field, table or function, or an operator or
// function given the wrong types), which name something the user wrote.
// DuckDB's own positions are in the rewritten SQL and are never used.
func ErrorPosition(err error) (Position, bool) {
	var (
		se *sqltree.Error
		ue *UnknownError
		te *TypeError
		qe *Error
	)
	switch {
	case errors.As(err, &se):
		return Position{Line: se.Line, Column: se.Column, Context: se.Context()}, true
	case errors.As(err, &ue) && ue.Line > 0:
		return Position{Line: ue.Line, Column: ue.Column, Context: ue.context}, true
	case errors.As(err, &te) && te.Line > 0:
		return Position{Line: te.Line, Column: te.Column, Context: te.context}, true
	case errors.As(err, &qe) && qe.Line > 0:
		return Position{Line: qe.Line, Column: qe.Column, Context: qe.context}, true
	}
	return Position{}, false
}

// DuckDB's binder errors that name what the user wrote.
var (
	reAmbiguous     = regexp.MustCompile(`Ambiguous reference to column name "([^"]+)"`)
	reNotGrouped    = regexp.MustCompile(`column "([^"]+)" must appear in the GROUP BY clause`)
	reNoMatch       = regexp.MustCompile(`No function matches the given name and argument types '([^(']+)\(`)
	reNoCandidate   = regexp.MustCompile(`best candidate function for the function call "([^(" ]+)\(`)
	reConvertString = regexp.MustCompile(`Could not convert string '([^']*)' to`)
)

// locateError puts the position in the user's SQL (src) on an error of
// the query that does not carry one yet, by finding in src's syntax tree
// the thing the error names. It leaves err alone when src does not parse
// or names nothing that the error points at.
func locateError(src string, err error) error {
	var (
		ue *UnknownError
		te *TypeError
		qe *Error
	)
	switch {
	case errors.As(err, &ue) && ue.Line > 0:
		ue.context = caretContext(src, ue.Line, ue.Column)
	case errors.As(err, &te) && te.Line > 0:
		te.context = caretContext(src, te.Line, te.Column)
	case errors.As(err, &qe) && qe.Line == 0:
		stmt, perr := parseLake(src)
		if perr != nil {
			return err
		}
		p, ok := findNamed(stmt, qe)
		if !ok {
			return err
		}
		qe.Line, qe.Column = sqltree.LineColumn(src, p)
		qe.context = caretContext(src, qe.Line, qe.Column)
	}
	return err
}

// findNamed returns the position of the first node of stmt that the
// error names.
func findNamed(stmt sqltree.Statement, qe *Error) (sqltree.Pos, bool) {
	msg := qe.Msg
	if qe.Err != nil {
		msg += "\n" + qe.Err.Error()
	}
	m := func(re *regexp.Regexp) string {
		if s := re.FindStringSubmatch(msg); s != nil {
			return s[1]
		}
		return ""
	}
	if name := m(reAmbiguous); name != "" {
		// Only a name without a qualifier can be ambiguous.
		return findNode(stmt, func(n sqltree.Node) (sqltree.Pos, bool) {
			if id, ok := n.(*sqltree.Ident); ok && strings.EqualFold(id.Name, name) {
				return id.Pos, true
			}
			return 0, false
		})
	}
	if name := firstOf(m(reUnknownColumn), m(reNotGrouped)); name != "" {
		return findNode(stmt, func(n sqltree.Node) (sqltree.Pos, bool) {
			if id, ok := n.(*sqltree.Ident); ok && strings.EqualFold(id.Name, name) {
				return id.Pos, true
			}
			if d, ok := n.(*sqltree.Dereference); ok && strings.EqualFold(d.Field.Name, name) {
				return d.Field.Pos, true
			}
			return 0, false
		})
	}
	if name := m(reUnknownKey); name != "" {
		return findNode(stmt, func(n sqltree.Node) (sqltree.Pos, bool) {
			if d, ok := n.(*sqltree.Dereference); ok && strings.EqualFold(d.Field.Name, name) {
				return d.Field.Pos, true
			}
			return 0, false
		})
	}
	if name := m(reUnknownTable); name != "" {
		return findNode(stmt, func(n sqltree.Node) (sqltree.Pos, bool) {
			if t, ok := n.(*sqltree.Table); ok && len(t.Name) > 0 && strings.EqualFold(t.Name[len(t.Name)-1].Name, name) {
				return t.Name[0].Pos, true
			}
			return 0, false
		})
	}
	if name := firstOf(m(reUnknownFunc), m(reNoMatch), m(reNoCandidate)); name != "" {
		name = strings.ToLower(internalNames(name))
		op := map[string]string{"~~": "LIKE", "!~~": "LIKE", "!=": "<>"}[name]
		if op == "" {
			op = strings.ToUpper(name)
		}
		return findNode(stmt, func(n sqltree.Node) (sqltree.Pos, bool) {
			switch n := n.(type) {
			case *sqltree.FuncCall:
				if len(n.Name) > 0 && strings.EqualFold(n.Name[len(n.Name)-1].Name, name) {
					return n.Pos, true
				}
			case *sqltree.Binary:
				if n.Op == op {
					return n.Pos, true
				}
			case *sqltree.Like:
				if op == "LIKE" {
					return n.Pos, true
				}
			}
			return 0, false
		})
	}
	if s := reConvertString.FindStringSubmatch(msg); s != nil {
		return findNode(stmt, func(n sqltree.Node) (sqltree.Pos, bool) {
			if lit, ok := n.(*sqltree.StringLit); ok && lit.Value == s[1] {
				return lit.Pos, true
			}
			return 0, false
		})
	}
	return 0, false
}

// findNode returns what match returns for the first node of stmt, in
// source order, that it matches.
func findNode(stmt sqltree.Statement, match func(sqltree.Node) (sqltree.Pos, bool)) (sqltree.Pos, bool) {
	var (
		at    sqltree.Pos
		found bool
	)
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		if found {
			return false
		}
		if p, ok := match(n); ok {
			at, found = p, true
			return false
		}
		return true
	})
	return at, found
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// caretContext returns line of src and a caret under column, both
// indented by two spaces, as sqltree.Error.Context does.
func caretContext(src string, line, column int) string {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	l := strings.TrimRight(lines[line-1], "\r")
	var pad strings.Builder
	for i, r := range []rune(l) {
		if i >= column-1 {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	return "  " + l + "\n  " + pad.String() + "^"
}
