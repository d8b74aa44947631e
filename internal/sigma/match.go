package sigma

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// ErrUnsupported marks the error of evaluating a rule that uses a feature
// this package does not evaluate (Rule.Unsupported).
var ErrUnsupported = errors.New("sigma: rule uses an unsupported feature")

// Evaluable reports why the rule cannot be evaluated, or nil: a rule with
// Unsupported features gives an error wrapping ErrUnsupported that names
// the first of them.
func Evaluable(rule *Rule) error {
	if rule == nil {
		return errors.New("sigma: no rule")
	}
	if len(rule.Unsupported) > 0 {
		return fmt.Errorf("%w: %s:%d: %s", ErrUnsupported, rule.File, rule.Line, rule.Unsupported[0])
	}
	return nil
}

// Match reports whether a detection rule's condition holds for one
// record, a CloudTrail event as decoded by encoding/json (with or without
// UseNumber). For a rule with an old-style Aggregation it reports whether
// the event is one the aggregation counts (Correlate applies the count).
// It fails for a correlation rule and for a rule with Unsupported
// features.
func Match(rule *Rule, record map[string]any) (bool, error) {
	if err := Evaluable(rule); err != nil {
		return false, err
	}
	if rule.Detection == nil {
		return false, fmt.Errorf("sigma: %s:%d: a correlation rule is evaluated by Correlate, not Match", rule.File, rule.Line)
	}
	ev := &evaluator{d: rule.Detection, record: record, memo: map[string]bool{}}
	return ev.eval(rule.Detection.Condition), nil
}

type evaluator struct {
	d      *Detection
	record map[string]any
	memo   map[string]bool
	// scalars caches every scalar value of the record, for keywords.
	scalars []string
	walked  bool
}

func (ev *evaluator) eval(e Expr) bool {
	switch x := e.(type) {
	case *And:
		for _, a := range x.Args {
			if !ev.eval(a) {
				return false
			}
		}
		return true
	case *Or:
		for _, a := range x.Args {
			if ev.eval(a) {
				return true
			}
		}
		return false
	case *Not:
		return !ev.eval(x.Arg)
	case *Ref:
		return ev.search(x.Name)
	case *OneOf:
		for _, n := range x.Names {
			if ev.search(n) {
				return true
			}
		}
		return false
	case *AllOf:
		for _, n := range x.Names {
			if !ev.search(n) {
				return false
			}
		}
		return true
	}
	panic(fmt.Sprintf("BUG: sigma: unknown condition node %T", e))
}

func (ev *evaluator) search(name string) bool {
	if v, ok := ev.memo[name]; ok {
		return v
	}
	s := ev.d.Search(name)
	ok := false
	if s != nil {
	groups:
		for _, g := range s.Groups {
			for _, fm := range g {
				if !ev.matcher(fm) {
					continue groups
				}
			}
			ok = true
			break
		}
	}
	ev.memo[name] = ok
	return ok
}

// Lookup returns the values found at path in v (a record or part of one):
// keys are compared case-insensitively (every key equal to the path
// element under Unicode case folding is followed); an array met on the way
// is fanned out, each element followed; an array at the end is flattened
// into its elements (recursively). found reports whether the last key was
// present in at least one object, whatever its value (null and [] count).
// Values are string, json.Number (or float64), bool, nil (JSON null) or
// map[string]any.
func Lookup(v any, path []string) (values []any, found bool) {
	return lookup(v, path, nil)
}

func lookup(v any, path []string, out []any) ([]any, bool) {
	if len(path) == 0 {
		return flatten(v, out), true
	}
	found := false
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			var f bool
			out, f = lookup(e, path, out)
			found = found || f
		}
	case map[string]any:
		for k, e := range x {
			if strings.EqualFold(k, path[0]) {
				var f bool
				out, f = lookup(e, path[1:], out)
				found = found || f
			}
		}
	}
	return out, found
}

func flatten(v any, out []any) []any {
	if a, ok := v.([]any); ok {
		for _, e := range a {
			out = flatten(e, out)
		}
		return out
	}
	return append(out, v)
}

// Text is the string form a value is compared in: a string as is, a
// number as written in the JSON (json.Number) or in Go's shortest form
// (float64), a boolean as "true" or "false", an object (or array) as its
// compact JSON text with keys sorted and no HTML escaping. ok is false for
// JSON null.
func Text(v any) (s string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v), true
	}
	return strings.TrimSuffix(b.String(), "\n"), true
}

// isScalar reports whether v is a JSON string, number or boolean.
func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any, nil:
		return false
	}
	return true
}

func (ev *evaluator) matcher(fm *FieldMatcher) bool {
	if fm.Keyword {
		return ev.keywords(fm)
	}
	leaves, found := Lookup(ev.record, fm.Path)
	if fm.Op == OpExists {
		return found == fm.Values[0].Exists
	}
	var refs []any
	one := func(v *Value) bool {
		switch fm.Op {
		case OpPattern:
			if v.Kind == KindNull {
				if len(leaves) == 0 {
					return true
				}
				for _, l := range leaves {
					if l == nil {
						return true
					}
				}
				return false
			}
			for _, l := range leaves {
				if s, ok := Text(l); ok && matchPatterns(v.Patterns, s, fm.Cased) {
					return true
				}
			}
		case OpRegexp:
			for _, l := range leaves {
				if s, ok := Text(l); ok && v.Regexp.MatchString(s) {
					return true
				}
			}
		case OpCIDR:
			for _, l := range leaves {
				if s, ok := l.(string); ok && inPrefix(v.Prefix, s) {
					return true
				}
			}
		case OpFieldRef:
			refs, _ = Lookup(ev.record, v.RefPath)
			for _, l := range leaves {
				if !isScalar(l) {
					continue
				}
				a, _ := Text(l)
				for _, r := range refs {
					if !isScalar(r) {
						continue
					}
					b, _ := Text(r)
					if compareRef(a, b, fm.Position, fm.Cased) {
						return true
					}
				}
			}
		}
		return false
	}
	return combine(fm, one)
}

// combine ORs the values (ANDs them with the all modifier).
func combine(fm *FieldMatcher, one func(*Value) bool) bool {
	for i := range fm.Values {
		m := one(&fm.Values[i])
		if fm.All && !m {
			return false
		}
		if !fm.All && m {
			return true
		}
	}
	return fm.All
}

func matchPatterns(ps []Pattern, s string, cased bool) bool {
	for _, p := range ps {
		if p.Match(s, cased) {
			return true
		}
	}
	return false
}

// inPrefix reports whether s is an IP address inside p. An IPv4-mapped
// IPv6 address (::ffff:1.2.3.4) is also tried as its IPv4 address.
func inPrefix(p netip.Prefix, s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	return p.Contains(a) || p.Contains(a.Unmap())
}

func compareRef(a, b string, pos Position, cased bool) bool {
	if !cased {
		a, b = Fold(a), Fold(b)
	}
	switch pos {
	case Contains:
		return strings.Contains(a, b)
	case StartsWith:
		return strings.HasPrefix(a, b)
	case EndsWith:
		return strings.HasSuffix(a, b)
	}
	return a == b
}

// Scalars returns the string form (Text) of every string, number and
// boolean in v, at any depth, in a deterministic order (object keys
// sorted). Keys themselves and nulls are not included.
func Scalars(v any) []string {
	return scalars(v, nil)
}

func scalars(v any, out []string) []string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = scalars(x[k], out)
		}
	case []any:
		for _, e := range x {
			out = scalars(e, out)
		}
	case nil:
	default:
		s, _ := Text(x)
		out = append(out, s)
	}
	return out
}

// keywords matches a keyword matcher against every scalar of the record
// (the parser made keywords without wildcards substrings).
func (ev *evaluator) keywords(fm *FieldMatcher) bool {
	if !ev.walked {
		ev.scalars, ev.walked = Scalars(ev.record), true
	}
	return combine(fm, func(v *Value) bool {
		for _, s := range ev.scalars {
			switch fm.Op {
			case OpRegexp:
				if v.Regexp.MatchString(s) {
					return true
				}
			default:
				if matchPatterns(v.Patterns, s, fm.Cased) {
					return true
				}
			}
		}
		return false
	})
}
