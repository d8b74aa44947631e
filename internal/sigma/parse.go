package sigma

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"gopkg.in/yaml.v3"
)

// Error is a rule that cannot be read: File and Line (1-based) say where.
// Its text is one line, "file:line: message".
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Parse reads the Sigma rules in data, one per YAML document (a file may
// hold a correlation rule and the rules it refers to, separated by
// `---`). name is used in errors and as Rule.File. Documents with an
// `action` (global, reset, repeat: the old rule collections) are refused.
// Features that are read but not evaluated do not fail the parse: they are
// listed in Rule.Unsupported. Errors are *Error.
func Parse(name string, data []byte) (rules []*Rule, err error) {
	p := &parser{file: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := p.decode(dec, &doc); err != nil {
			if errors.Is(err, io.EOF) {
				return rules, nil
			}
			return nil, err
		}
		r, err := p.document(&doc)
		if err != nil {
			return nil, err
		}
		if r != nil {
			rules = append(rules, r)
		}
	}
}

type parser struct {
	file string
	// lastLine is the last line seen, for errors yaml reports without one.
	lastLine int
}

// yamlLine finds the line in yaml.v3's messages ("yaml: line 4: ...").
var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// decode reads one YAML document. yaml.v3 is third-party code reading
// untrusted bytes: a panic in it is turned into an error.
func (p *parser) decode(dec *yaml.Decoder, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = p.errf(p.lastLine+1, "cannot read YAML: %v", r)
		}
	}()
	err = dec.Decode(doc)
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := p.lastLine + 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, aerr := strconv.Atoi(m[1]); aerr == nil {
			line, msg = n, m[2]
		}
	}
	return p.errf(line, "cannot read YAML: %s", msg)
}

func (p *parser) errf(line int, format string, args ...any) error {
	if line < 1 {
		line = 1
	}
	return &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// maxAliasDepth bounds chains of YAML aliases.
const maxAliasDepth = 16

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasDepth; i++ {
		n = n.Alias
	}
	return n
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return "a scalar"
	}
	return "an alias"
}

func (p *parser) scalar(key string, n *yaml.Node) (string, error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", p.errf(lineOf(n), "%s must be a scalar, not %s", key, nodeKind(n))
	}
	if n.ShortTag() == "!!null" {
		return "", nil
	}
	return n.Value, nil
}

func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// strings reads a list of scalars, or one scalar as a one-element list.
func (p *parser) strings(key string, n *yaml.Node) ([]string, error) {
	n = deref(n)
	if n != nil && n.Kind == yaml.SequenceNode {
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			s, err := p.scalar(key+" item", c)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := p.scalar(key, n)
	if err != nil || s == "" {
		return nil, err
	}
	return []string{s}, nil
}

// pairs returns a mapping's key/value pairs, refusing duplicate and
// non-scalar keys.
func (p *parser) pairs(what string, n *yaml.Node) ([][2]*yaml.Node, error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, p.errf(lineOf(n), "%s must be a map, not %s", what, nodeKind(n))
	}
	seen := map[string]bool{}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, p.errf(lineOf(n.Content[i]), "%s: keys must be scalars", what)
		}
		if seen[k.Value] {
			return nil, p.errf(k.Line, "%s: duplicate key %q", what, k.Value)
		}
		seen[k.Value] = true
		p.lastLine = max(p.lastLine, k.Line)
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func (p *parser) document(doc *yaml.Node) (*Rule, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	root := deref(doc.Content[0])
	if root == nil || root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, nil // an empty document
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root.Line, "a rule must be a map, not %s", nodeKind(root))
	}
	r := &Rule{File: p.file, Line: root.Line}
	kv, err := p.pairs("rule", root)
	if err != nil {
		return nil, err
	}
	var detection, correlation *yaml.Node
	var timeframe time.Duration
	for _, e := range kv {
		k, v := e[0], e[1]
		var err error
		switch k.Value {
		case "title":
			r.Title, err = p.scalar("title", v)
		case "id":
			r.ID, err = p.scalar("id", v)
		case "name":
			r.Name, err = p.scalar("name", v)
		case "status":
			r.Status, err = p.scalar("status", v)
		case "level":
			r.Level, err = p.scalar("level", v)
		case "description":
			r.Description, err = p.scalar("description", v)
		case "author":
			var a []string
			a, err = p.strings("author", v)
			r.Author = strings.Join(a, ", ")
		case "date":
			r.Date, err = p.scalar("date", v)
		case "modified":
			r.Modified, err = p.scalar("modified", v)
		case "tags":
			r.Tags, err = p.strings("tags", v)
		case "references":
			r.References, err = p.strings("references", v)
		case "falsepositives":
			r.FalsePositives, err = p.strings("falsepositives", v)
		case "logsource":
			r.Logsource, err = p.logsource(v)
		case "detection":
			detection = v
		case "correlation":
			correlation = v
		case "timeframe":
			timeframe, err = p.duration("timeframe", v)
		case "action":
			var a string
			if a, err = p.scalar("action", v); err == nil {
				err = p.errf(k.Line, "action %q is not supported: write each rule as a whole document", a)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case detection != nil && correlation != nil:
		return nil, p.errf(root.Line, "a rule has detection or correlation, not both")
	case detection != nil:
		r.Detection, err = p.detection(detection, r, timeframe)
	case correlation != nil:
		r.Correlation, err = p.correlation(correlation, r)
	default:
		return nil, p.errf(root.Line, "a rule needs detection or correlation")
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (p *parser) logsource(n *yaml.Node) (Logsource, error) {
	var ls Logsource
	kv, err := p.pairs("logsource", n)
	if err != nil {
		return ls, err
	}
	for _, e := range kv {
		var err error
		switch e[0].Value {
		case "product":
			ls.Product, err = p.scalar("logsource product", e[1])
		case "service":
			ls.Service, err = p.scalar("logsource service", e[1])
		case "category":
			ls.Category, err = p.scalar("logsource category", e[1])
		}
		if err != nil {
			return ls, err
		}
	}
	return ls, nil
}

var durationText = regexp.MustCompile(`^([0-9]{1,9})([smhd])$`)

// ParseDuration reads a Sigma timespan: a number and s, m, h or d
// ("90m", "1d").
func ParseDuration(s string) (time.Duration, error) {
	m := durationText.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("invalid timespan %q: want a number and s, m, h or d", s)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	if n == 0 {
		return 0, fmt.Errorf("invalid timespan %q: must be more than zero", s)
	}
	return time.Duration(n) * unit, nil
}

func (p *parser) duration(key string, n *yaml.Node) (time.Duration, error) {
	s, err := p.scalar(key, n)
	if err != nil {
		return 0, err
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, p.errf(lineOf(deref(n)), "%s: %v", key, err)
	}
	return d, nil
}

func (p *parser) detection(n *yaml.Node, r *Rule, timeframe time.Duration) (*Detection, error) {
	kv, err := p.pairs("detection", n)
	if err != nil {
		return nil, err
	}
	d := &Detection{Timeframe: timeframe}
	var condKey, condVal *yaml.Node
	for _, e := range kv {
		k, v := e[0], e[1]
		switch k.Value {
		case "condition":
			condKey, condVal = k, v
		case "timeframe":
			if d.Timeframe, err = p.duration("timeframe", v); err != nil {
				return nil, err
			}
		default:
			s, err := p.search(k.Value, k.Line, v, r)
			if err != nil {
				return nil, err
			}
			d.Searches = append(d.Searches, s)
		}
	}
	if condKey == nil {
		return nil, p.errf(lineOf(deref(n)), "detection has no condition")
	}
	if len(d.Searches) == 0 {
		return nil, p.errf(lineOf(deref(n)), "detection has no search")
	}
	if err := p.condition(condKey, condVal, d, r); err != nil {
		return nil, err
	}
	return d, nil
}

var (
	aggregationText = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*\(\s*([A-Za-z0-9_.\-]*)\s*\)\s*(?:by\s+([A-Za-z0-9_.\-]+(?:\s*,\s*[A-Za-z0-9_.\-]+)*)\s*)?(>=|<=|==|!=|=|>|<)\s*([0-9]{1,18})\s*$`)
	compareOps      = map[string]CompareOp{">": Gt, ">=": Gte, "<": Lt, "<=": Lte, "==": Eq, "=": Eq, "!=": Neq}
)

func (p *parser) condition(k, v *yaml.Node, d *Detection, r *Rule) error {
	v = deref(v)
	texts, err := p.strings("condition", v)
	if err != nil {
		return err
	}
	if len(texts) == 0 {
		return p.errf(k.Line, "condition is empty")
	}
	d.ConditionLine = lineOf(v)
	names := make([]string, len(d.Searches))
	for i, s := range d.Searches {
		names[i] = s.Name
	}
	var exprs []Expr
	var aggs []*Aggregation
	for _, text := range texts {
		search, agg, piped := strings.Cut(text, "|")
		e, err := ParseCondition(search, names)
		if err != nil {
			return p.errf(d.ConditionLine, "condition %q: %v", text, err)
		}
		exprs = append(exprs, e)
		if !piped {
			continue
		}
		a, err := p.aggregation(agg, d.ConditionLine, r)
		if err != nil {
			return err
		}
		if a != nil {
			aggs = append(aggs, a)
		}
	}
	if len(exprs) == 1 {
		d.Condition, d.ConditionText = exprs[0], texts[0]
	} else {
		d.Condition = &Or{Args: exprs}
		d.ConditionText = "(" + strings.Join(texts, ") or (") + ")"
	}
	switch {
	case len(aggs) == 1 && len(texts) == 1:
		d.Aggregation = aggs[0]
	case len(aggs) > 0:
		r.Unsupported = append(r.Unsupported, "several conditions with an aggregation")
	case d.Timeframe != 0 && !hasPipe(texts):
		r.Unsupported = append(r.Unsupported, fmt.Sprintf(
			"timeframe %s without an aggregation (the condition would be evaluated on single events)", formatDuration(d.Timeframe)))
	}
	return nil
}

func hasPipe(texts []string) bool {
	for _, t := range texts {
		if strings.Contains(t, "|") {
			return true
		}
	}
	return false
}

// formatDuration prints a duration as a Sigma timespan.
func formatDuration(d time.Duration) string {
	for _, u := range []struct {
		unit time.Duration
		s    string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}} {
		if d%u.unit == 0 {
			return strconv.FormatInt(int64(d/u.unit), 10) + u.s
		}
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

func (p *parser) aggregation(text string, line int, r *Rule) (*Aggregation, error) {
	if f := strings.Fields(text); len(f) > 0 && strings.EqualFold(f[0], "near") {
		r.Unsupported = append(r.Unsupported, `aggregation "near"`)
		return nil, nil
	}
	m := aggregationText.FindStringSubmatch(text)
	if m == nil {
		return nil, p.errf(line, "cannot read aggregation %q: want `count(field) by f1, f2 > n`", strings.TrimSpace(text))
	}
	fn := strings.ToLower(m[1])
	switch fn {
	case "count":
	case "min", "max", "avg", "sum":
		r.Unsupported = append(r.Unsupported, fmt.Sprintf("aggregation %q", fn))
		return nil, nil
	default:
		return nil, p.errf(line, "unknown aggregation function %q", m[1])
	}
	n, err := strconv.ParseInt(m[5], 10, 64)
	if err != nil {
		return nil, p.errf(line, "aggregation threshold %q: %v", m[5], err)
	}
	a := &Aggregation{Func: fn, Field: m[2], Threshold: Threshold{Op: compareOps[m[4]], Value: n}, Text: strings.TrimSpace(text)}
	if m[3] != "" {
		for _, g := range strings.Split(m[3], ",") {
			a.GroupBy = append(a.GroupBy, strings.TrimSpace(g))
		}
	}
	return a, nil
}

func (p *parser) search(name string, line int, n *yaml.Node, r *Rule) (*Search, error) {
	s := &Search{Name: name, Line: line}
	n = deref(n)
	if n == nil {
		return nil, p.errf(line, "search %q is empty", name)
	}
	switch n.Kind {
	case yaml.MappingNode:
		g, err := p.group(name, n, r)
		if err != nil {
			return nil, err
		}
		s.Groups = [][]*FieldMatcher{g}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, p.errf(line, "search %q is an empty list", name)
		}
		maps, scalars := 0, 0
		for _, c := range n.Content {
			switch deref(c).Kind {
			case yaml.MappingNode:
				maps++
			case yaml.ScalarNode:
				scalars++
			default:
				return nil, p.errf(c.Line, "search %q: a list item must be a map or a value, not %s", name, nodeKind(deref(c)))
			}
		}
		if maps > 0 && scalars > 0 {
			return nil, p.errf(line, "search %q mixes maps and plain values", name)
		}
		if scalars > 0 {
			fm, err := p.matcher(name, "", line, n, r)
			if err != nil {
				return nil, err
			}
			s.Groups = [][]*FieldMatcher{{fm}}
			break
		}
		for _, c := range n.Content {
			g, err := p.group(name, deref(c), r)
			if err != nil {
				return nil, err
			}
			s.Groups = append(s.Groups, g)
		}
	default:
		if n.ShortTag() == "!!null" {
			return nil, p.errf(line, "search %q is empty", name)
		}
		return nil, p.errf(line, "search %q must be a map or a list, not %s", name, nodeKind(n))
	}
	return s, nil
}

func (p *parser) group(search string, n *yaml.Node, r *Rule) ([]*FieldMatcher, error) {
	kv, err := p.pairs(fmt.Sprintf("search %q", search), n)
	if err != nil {
		return nil, err
	}
	if len(kv) == 0 {
		return nil, p.errf(n.Line, "search %q has an empty map", search)
	}
	g := make([]*FieldMatcher, 0, len(kv))
	for _, e := range kv {
		fm, err := p.matcher(search, e[0].Value, e[0].Line, e[1], r)
		if err != nil {
			return nil, err
		}
		g = append(g, fm)
	}
	return g, nil
}

// unsupportedModifiers are modifiers of the specification that are read
// but not evaluated.
var unsupportedModifiers = map[string]bool{
	"windash": true, "expand": true,
	"lt": true, "lte": true, "gt": true, "gte": true, "neq": true,
	"minute": true, "hour": true, "day": true, "week": true, "month": true, "year": true,
}

// utf16Modifiers are the text encodings applied before base64 (wide is
// utf16le; utf16 is little-endian after a byte order mark).
var utf16Modifiers = map[string]string{"wide": "utf16le", "utf16le": "utf16le", "utf16be": "utf16be", "utf16": "utf16"}

// encodeText encodes s in a utf16 variant ("" leaves it UTF-8).
func encodeText(s, enc string) string {
	if enc == "" {
		return s
	}
	var b []byte
	if enc == "utf16" {
		b = append(b, 0xff, 0xfe)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if enc == "utf16be" {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}

// reFlags are the sub-modifiers of re and their RE2 flags.
var reFlags = map[string]string{"i": "i", "ignorecase": "i", "m": "m", "multiline": "m", "s": "s", "dotall": "s"}

type encoding int

const (
	plain encoding = iota
	b64
	b64offset
)

func (p *parser) matcher(search, key string, line int, vn *yaml.Node, r *Rule) (*FieldMatcher, error) {
	parts := strings.Split(key, "|")
	fm := &FieldMatcher{Key: key, Field: parts[0], Modifiers: parts[1:], Line: line}
	where := "field " + fm.Field
	if fm.Field == "" {
		fm.Keyword = true
		where = "keywords"
	} else {
		fm.Path = strings.Split(fm.Field, ".")
		for _, e := range fm.Path {
			if e == "" {
				return nil, p.errf(line, "field %q has an empty path element", fm.Field)
			}
		}
	}
	var ops []string
	var flags string
	enc := plain
	var unsupported []string
	// wide is the text encoding a utf16 modifier asks for; it is only
	// evaluated when base64 or base64offset follows it.
	wide, wideMod := "", ""
	for _, m := range fm.Modifiers {
		switch {
		case m == "contains" || m == "startswith" || m == "endswith":
			if fm.Position != Whole {
				return nil, p.errf(line, "modifiers %q and %q cannot be combined", fm.Position, m)
			}
			fm.Position = map[string]Position{"contains": Contains, "startswith": StartsWith, "endswith": EndsWith}[m]
		case m == "all":
			fm.All = true
		case m == "cased":
			fm.Cased = true
		case m == "re" || m == "cidr" || m == "exists" || m == "fieldref":
			ops = append(ops, m)
		case reFlags[m] != "":
			if len(ops) == 0 || ops[0] != "re" {
				return nil, p.errf(line, "modifier %q needs \"re\" before it", m)
			}
			flags += reFlags[m]
		case utf16Modifiers[m] != "":
			if wide != "" {
				return nil, p.errf(line, "modifiers %q and %q cannot be combined", wideMod, m)
			}
			wide, wideMod = utf16Modifiers[m], m
		case m == "base64" || m == "base64offset":
			if enc != plain {
				return nil, p.errf(line, "modifiers \"base64\" and \"base64offset\" cannot be combined")
			}
			enc = map[string]encoding{"base64": b64, "base64offset": b64offset}[m]
		case unsupportedModifiers[m]:
			unsupported = append(unsupported, fmt.Sprintf("modifier %q on %s", m, where))
		case m == "":
			return nil, p.errf(line, "empty modifier in %q", key)
		default:
			return nil, p.errf(line, "unknown modifier %q", m)
		}
	}
	if len(ops) > 1 {
		return nil, p.errf(line, "modifiers %q and %q cannot be combined", ops[0], ops[1])
	}
	if len(ops) == 1 {
		fm.Op = map[string]Op{"re": OpRegexp, "cidr": OpCIDR, "exists": OpExists, "fieldref": OpFieldRef}[ops[0]]
		if fm.Keyword && fm.Op != OpRegexp {
			return nil, p.errf(line, "modifier %q needs a field name", ops[0])
		}
		if fm.Position != Whole && fm.Op != OpFieldRef {
			return nil, p.errf(line, "modifiers %q and %q cannot be combined", ops[0], fm.Position)
		}
		if enc != plain {
			return nil, p.errf(line, "modifiers %q and %q cannot be combined", ops[0], []string{"", "base64", "base64offset"}[enc])
		}
	}
	if wide != "" && enc == plain {
		unsupported = append(unsupported, fmt.Sprintf("modifier %q on %s", wideMod, where))
	}
	r.Unsupported = append(r.Unsupported, unsupported...)

	vals, err := p.values(where, vn)
	if err != nil {
		return nil, err
	}
	if fm.Op == OpExists && len(vals) != 1 {
		return nil, p.errf(line, "%s: exists takes one value, true or false", where)
	}
	for _, n := range vals {
		v := Value{Text: n.Value, Line: n.Line, Kind: KindString}
		switch n.ShortTag() {
		case "!!null":
			v.Kind, v.Text = KindNull, ""
		case "!!int", "!!float":
			v.Kind = KindNumber
		case "!!bool":
			v.Kind = KindBool
		}
		if v.Kind == KindNull && (fm.Op != OpPattern || fm.Position != Whole || enc != plain || fm.Keyword) {
			return nil, p.errf(n.Line, "%s: null cannot take modifiers %q", where, strings.Join(fm.Modifiers, "|"))
		}
		switch fm.Op {
		case OpPattern:
			if v.Kind == KindNull {
				break
			}
			pat := LiteralPattern(v.Text)
			if v.Kind == KindString {
				pat = ParsePattern(v.Text)
			}
			if enc != plain {
				lit, ok := pat.Literal()
				if !ok {
					return nil, p.errf(n.Line, "%s: base64 of a value with wildcards: %q", where, v.Text)
				}
				for _, s := range encodeBase64(encodeText(lit, wide), enc) {
					v.Patterns = append(v.Patterns, LiteralPattern(s))
				}
			} else {
				v.Patterns = []Pattern{pat}
			}
			for i := range v.Patterns {
				v.Patterns[i] = v.Patterns[i].wrap(fm.Position)
				if fm.Keyword && !v.Patterns[i].HasWildcard() {
					// A keyword without wildcards is a substring.
					v.Patterns[i] = v.Patterns[i].wrap(Contains)
				}
			}
		case OpRegexp:
			src := v.Text
			if flags != "" {
				src = "(?" + flags + ")" + src
			}
			if la := lookaround(v.Text); la != "" {
				r.Unsupported = append(r.Unsupported, fmt.Sprintf("modifier \"re\" on %s: %q (lookaround) is not in RE2", where, la))
				break
			}
			re, err := regexp.Compile(src)
			if err != nil {
				r.Unsupported = append(r.Unsupported, fmt.Sprintf("modifier \"re\" on %s: RE2 cannot compile %q: %v", where, v.Text, err))
				break
			}
			v.Regexp = re
		case OpCIDR:
			pre, err := netip.ParsePrefix(v.Text)
			if err != nil {
				a, aerr := netip.ParseAddr(v.Text)
				if aerr != nil {
					return nil, p.errf(n.Line, "%s: invalid cidr %q", where, v.Text)
				}
				pre = netip.PrefixFrom(a, a.BitLen())
			}
			v.Prefix = pre.Masked()
		case OpExists:
			switch strings.ToLower(v.Text) {
			case "true":
				v.Exists = true
			case "false":
			default:
				return nil, p.errf(n.Line, "%s: exists takes true or false, not %q", where, v.Text)
			}
		case OpFieldRef:
			if v.Kind != KindString || v.Text == "" {
				return nil, p.errf(n.Line, "%s: fieldref takes a field name, not %q", where, v.Text)
			}
			v.Ref = v.Text
			v.RefPath = strings.Split(v.Text, ".")
		}
		fm.Values = append(fm.Values, v)
	}
	return fm, nil
}

// values reads a scalar or a list of scalars.
func (p *parser) values(where string, n *yaml.Node) ([]*yaml.Node, error) {
	n = deref(n)
	if n == nil {
		return nil, p.errf(0, "%s has no value", where)
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 {
			return nil, p.errf(n.Line, "%s has an empty list of values", where)
		}
		items = items[:0]
		for _, c := range n.Content {
			items = append(items, deref(c))
		}
	}
	for _, c := range items {
		if c == nil || c.Kind != yaml.ScalarNode {
			return nil, p.errf(lineOf(c), "%s: a value must be a scalar, not %s", where, nodeKind(c))
		}
	}
	return items, nil
}

// lookaround returns the first PCRE lookaround or atomic group opener in
// an expression, or "".
func lookaround(re string) string {
	for _, s := range []string{"(?=", "(?!", "(?<=", "(?<!", "(?>"} {
		if strings.Contains(re, s) {
			return s
		}
	}
	return ""
}

// encodeBase64 encodes s for the base64 modifier (one string) or
// base64offset (three: s shifted by zero, one and two bytes, cut to the
// characters that do not depend on the bytes around it, as pySigma does).
func encodeBase64(s string, enc encoding) []string {
	if enc == b64 {
		return []string{base64.StdEncoding.EncodeToString([]byte(s))}
	}
	start := [3]int{0, 2, 3}
	endCut := [3]int{0, 3, 2}
	out := make([]string, 0, 3)
	for i := 0; i < 3; i++ {
		e := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte(" "), i), s...))
		end := len(e) - endCut[(len(s)+i)%3]
		if start[i] > end {
			out = append(out, "")
			continue
		}
		out = append(out, e[start[i]:end])
	}
	return out
}

func (p *parser) correlation(n *yaml.Node, r *Rule) (*Correlation, error) {
	kv, err := p.pairs("correlation", n)
	if err != nil {
		return nil, err
	}
	c := &Correlation{}
	var cond *yaml.Node
	var hasTimespan bool
	for _, e := range kv {
		k, v := e[0], e[1]
		var err error
		switch k.Value {
		case "type":
			var t string
			if t, err = p.scalar("correlation type", v); err != nil {
				return nil, err
			}
			switch CorrelationType(t) {
			case EventCount, ValueCount, Temporal, TemporalOrdered:
				c.Type = CorrelationType(t)
			case "value_sum", "value_avg", "value_percentile", "value_median":
				c.Type = CorrelationType(t)
				r.Unsupported = append(r.Unsupported, fmt.Sprintf("correlation type %q", t))
			default:
				return nil, p.errf(k.Line, "unknown correlation type %q", t)
			}
		case "rules":
			c.Rules, err = p.strings("correlation rules", v)
		case "group-by":
			c.GroupBy, err = p.strings("correlation group-by", v)
		case "timespan", "timeframe":
			c.Timespan, err = p.duration("correlation "+k.Value, v)
			hasTimespan = true
		case "condition":
			cond = v
		case "generate":
			var s string
			if s, err = p.scalar("correlation generate", v); err == nil {
				c.Generate, err = strconv.ParseBool(s)
				if err != nil {
					err = p.errf(k.Line, "correlation generate must be true or false, not %q", s)
				}
			}
		case "aliases":
			c.Aliases, err = p.aliases(v)
		default:
			err = p.errf(k.Line, "unknown correlation key %q", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	line := lineOf(deref(n))
	switch {
	case c.Type == "":
		return nil, p.errf(line, "correlation has no type")
	case len(c.Rules) == 0:
		return nil, p.errf(line, "correlation has no rules")
	case !hasTimespan:
		return nil, p.errf(line, "correlation has no timespan")
	}
	if cond != nil {
		if c.Condition, err = p.correlationCondition(cond); err != nil {
			return nil, err
		}
	}
	switch c.Type {
	case EventCount, ValueCount:
		if cond == nil {
			return nil, p.errf(line, "%s correlation has no condition", c.Type)
		}
	case Temporal, TemporalOrdered:
		if cond == nil {
			c.Condition.Thresholds = []Threshold{{Op: Gte, Value: int64(len(c.Rules))}}
		} else if c.Type == TemporalOrdered {
			r.Unsupported = append(r.Unsupported, "condition on a temporal_ordered correlation")
		}
	}
	if c.Type == ValueCount && c.Condition.Field == "" {
		return nil, p.errf(lineOf(deref(cond)), "value_count correlation condition has no field")
	}
	return c, nil
}

func (p *parser) correlationCondition(n *yaml.Node) (CorrelationCondition, error) {
	var cc CorrelationCondition
	kv, err := p.pairs("correlation condition", n)
	if err != nil {
		return cc, err
	}
	for _, e := range kv {
		k, v := e[0], e[1]
		s, err := p.scalar("correlation condition "+k.Value, v)
		if err != nil {
			return cc, err
		}
		switch op := CompareOp(k.Value); op {
		case Gt, Gte, Lt, Lte, Eq, Neq:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return cc, p.errf(k.Line, "correlation condition %s: want an integer, not %q", k.Value, s)
			}
			cc.Thresholds = append(cc.Thresholds, Threshold{Op: op, Value: n})
		case "field":
			cc.Field = s
		default:
			return cc, p.errf(k.Line, "unknown correlation condition %q", k.Value)
		}
	}
	if len(cc.Thresholds) == 0 {
		return cc, p.errf(lineOf(deref(n)), "correlation condition has no gt, gte, lt, lte, eq or neq")
	}
	return cc, nil
}

func (p *parser) aliases(n *yaml.Node) (map[string]map[string]string, error) {
	kv, err := p.pairs("correlation aliases", n)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(kv))
	for _, e := range kv {
		inner, err := p.pairs("correlation alias "+e[0].Value, e[1])
		if err != nil {
			return nil, err
		}
		m := make(map[string]string, len(inner))
		for _, f := range inner {
			if m[f[0].Value], err = p.scalar("correlation alias "+e[0].Value, f[1]); err != nil {
				return nil, err
			}
		}
		out[e[0].Value] = m
	}
	return out, nil
}
