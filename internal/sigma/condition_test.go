package sigma

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCondition(t *testing.T) {
	names := []string{"selection", "sel_a", "sel_b", "filter_1", "filter-2", "_hidden", "keywords"}
	f := func(text, want string) {
		t.Helper()
		e, err := ParseCondition(text, names)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			return
		}
		if got := dumpExpr(e); got != want {
			t.Errorf("%q:\n got %s\nwant %s", text, got, want)
		}
	}
	f("selection", "selection")
	f("  (selection)  ", "selection")
	f("selection and not filter_1", "(selection and not filter_1)")
	f("selection or sel_a and sel_b", "(selection or (sel_a and sel_b))")
	f("(selection or sel_a) and sel_b", "((selection or sel_a) and sel_b)")
	f("not selection or sel_a", "(not selection or sel_a)")
	f("not not selection", "not not selection")
	f("selection and sel_a and sel_b", "(selection and sel_a and sel_b)")
	f("(selection and sel_a) and sel_b", "(selection and sel_a and sel_b)")
	f("selection and (sel_a and sel_b)", "(selection and sel_a and sel_b)")
	f("selection or (sel_a or sel_b) or keywords", "(selection or sel_a or sel_b or keywords)")
	f("selection AND NOT filter-2 Or keywords", "((selection and not filter-2) or keywords)")
	f("1 of sel_*", "1 of sel_*[sel_a sel_b]")
	f("any of sel_*", "1 of sel_*[sel_a sel_b]")
	f("all of sel_?", "all of sel_?[sel_a sel_b]")
	f("1 of them", "1 of them[selection sel_a sel_b filter_1 filter-2 keywords]")
	f("all of them", "all of them[selection sel_a sel_b filter_1 filter-2 keywords]")
	f("1 of _*", "1 of _*[_hidden]")
	f("selection and not 1 of filter*", "(selection and not 1 of filter*[filter_1 filter-2])")
	f("1 of sel* and all of filter_*", "(1 of sel*[selection sel_a sel_b] and all of filter_*[filter_1])")
	f("ALL OF THEM", "all of THEM[selection sel_a sel_b filter_1 filter-2 keywords]")
}

// dumpExpr prints an expression with the names its patterns selected.
func dumpExpr(e Expr) string {
	switch x := e.(type) {
	case *And:
		return joinDump(x.Args, " and ")
	case *Or:
		return joinDump(x.Args, " or ")
	case *Not:
		return "not " + dumpExpr(x.Arg)
	case *OneOf:
		return "1 of " + x.Pattern + "[" + strings.Join(x.Names, " ") + "]"
	case *AllOf:
		return "all of " + x.Pattern + "[" + strings.Join(x.Names, " ") + "]"
	}
	return e.String()
}

func joinDump(args []Expr, sep string) string {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = dumpExpr(a)
	}
	return "(" + strings.Join(s, sep) + ")"
}

func TestParseConditionErrors(t *testing.T) {
	names := []string{"selection", "sel_a", "_hidden"}
	f := func(text, want string) {
		t.Helper()
		_, err := ParseCondition(text, names)
		var ce *ConditionError
		if !errors.As(err, &ce) {
			t.Errorf("%q: error %v, want a *ConditionError", text, err)
			return
		}
		if got := err.Error(); got != want {
			t.Errorf("%q:\n got %s\nwant %s", text, got, want)
		}
	}
	f("", "column 1: expected a search, found end of condition")
	f("selection and", "column 14: expected a search, found end of condition")
	f("selection selection", `column 11: unexpected "selection"`)
	f("(selection", `column 11: expected ) to close ( at column 1, found "end of condition"`)
	f("selection)", `column 10: unexpected ")"`)
	f("selection | count()", `column 11: unexpected character '|'`)
	f("Selection", `column 1: unknown search "Selection"`)
	f("sel_*", "column 1: pattern \"sel_*\" needs `1 of` or `all of`")
	f("1 sel_*", "column 3: expected `of` after \"1\", found \"sel_*\"")
	f("3 of sel_*", "column 1: \"3\" of: only `1 of` and `all of` are defined")
	f("1 of (sel_a)", "column 6: expected a search pattern or `them` after `of`, found \"(\"")
	f("1 of filter*", `column 6: no search matches "filter*"`)
	f("all of _x*", `column 8: no search matches "_x*"`)
	f("and", `column 1: expected a search, found "and"`)
	f("not", "column 4: expected a search, found end of condition")
	f("selection and them", `column 15: expected a search, found "them"`)
	f(strings.Repeat("(", 300)+"selection"+strings.Repeat(")", 300), "column 201: condition nested too deeply")
	f(strings.Repeat("not ", 300)+"selection", "column 801: condition nested too deeply")
	if _, err := ParseCondition("1 of them", []string{"_only"}); err == nil || err.Error() != `column 6: no search matches "them"` {
		t.Errorf("them without visible searches: %v", err)
	}
}

func FuzzCondition(f *testing.F) {
	for _, s := range []string{"selection", "a and not (b or 1 of c*)", "all of them", "((a)", "not not a or b and c", "1 of _*"} {
		f.Add(s)
	}
	names := []string{"a", "b", "c1", "c2", "selection", "_x"}
	f.Fuzz(func(t *testing.T, text string) {
		e, err := ParseCondition(text, names)
		if err != nil {
			var ce *ConditionError
			if !errors.As(err, &ce) || ce.Column < 1 || ce.Column > len(text)+1 {
				t.Fatalf("%q: bad error %#v", text, err)
			}
			return
		}
		// The printed form parses back to the same tree.
		again, err := ParseCondition(e.String(), names)
		if err != nil {
			t.Fatalf("%q printed as %q: %v", text, e.String(), err)
		}
		if dumpExpr(again) != dumpExpr(e) {
			t.Fatalf("%q: %s then %s", text, dumpExpr(e), dumpExpr(again))
		}
	})
}
