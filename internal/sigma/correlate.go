package sigma

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Group is one group of events, in one window, for which a correlation
// fires.
type Group struct {
	// Key holds the group-by values, one per group-by field in order (see
	// GroupValue); empty without group-by.
	Key []GroupValue
	// Start and End bound the window [Start, End): Start is a multiple of
	// the timespan since the Unix epoch. Both are zero when the rule has
	// no timespan (an old aggregation without timeframe: one window over
	// all records).
	Start, End time.Time
	// Count is the counted quantity the condition was tested on: events
	// (event_count, count()), distinct values (value_count, count(field)),
	// distinct rules matched (temporal) or rules matched in order
	// (temporal_ordered).
	Count int64
	// First and Last are the earliest and latest eventTime of the group's
	// events.
	First, Last time.Time
	// Records are the indexes, into the records given to Correlate and in
	// that order, of the group's events: every event of the window and
	// group that matched at least one referenced rule.
	Records []int
}

// GroupValue is one group-by value: the field's text (see Text), or Null
// when the field is missing, JSON null, an object, or reached through an
// array.
type GroupValue struct {
	Value string
	Null  bool
}

// String returns the value, or "null".
func (g GroupValue) String() string {
	if g.Null {
		return "null"
	}
	return g.Value
}

// EventTime returns a record's eventTime (key matched case-insensitively,
// an RFC 3339 string). ok is false when it is missing or unreadable.
func EventTime(record map[string]any) (t time.Time, ok bool) {
	vals, _ := Lookup(record, []string{"eventTime"})
	if len(vals) != 1 {
		return time.Time{}, false
	}
	s, isStr := vals[0].(string)
	if !isStr {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// Field returns the single value a group-by (or value_count) field has in
// a record. Path elements follow object keys only: the key spelled exactly
// as in the path if present, else the first key (in sorted order) equal
// to it case-insensitively. An array on the way, or at the end, gives
// Null; so do a missing key, JSON null and an object.
func Field(record map[string]any, path []string) GroupValue {
	var v any = record
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return GroupValue{Null: true}
		}
		next, ok := m[p]
		if !ok {
			keys := make([]string, 0, len(m))
			for k := range m {
				if strings.EqualFold(k, p) {
					keys = append(keys, k)
				}
			}
			if len(keys) == 0 {
				return GroupValue{Null: true}
			}
			sort.Strings(keys)
			next = m[keys[0]]
		}
		v = next
	}
	if !isScalar(v) {
		return GroupValue{Null: true}
	}
	s, _ := Text(v)
	return GroupValue{Value: s}
}

// plan is a correlation reduced to what Correlate computes.
type plan struct {
	typ        CorrelationType
	refs       []*Rule
	refNames   []string
	groupBy    []string
	field      string
	span       time.Duration
	thresholds []Threshold
	// corr is the correlation section (nil for an old aggregation).
	corr *Correlation
}

// References resolves a correlation's rules (by id or name, through base;
// see Index), in the order written. It fails for an unknown reference, and
// with ErrUnsupported for a reference to a correlation (chains), to a rule
// with an aggregation, or to a rule with Unsupported features.
func References(corr *Rule, base map[string]*Rule) ([]*Rule, error) {
	if corr == nil || corr.Correlation == nil {
		return nil, errors.New("sigma: not a correlation rule")
	}
	refs := make([]*Rule, 0, len(corr.Correlation.Rules))
	for _, name := range corr.Correlation.Rules {
		r := base[name]
		switch {
		case r == nil:
			return nil, fmt.Errorf("sigma: %s:%d: correlation refers to unknown rule %q", corr.File, corr.Line, name)
		case r.Correlation != nil:
			return nil, fmt.Errorf("%w: %s:%d: correlation refers to correlation %q (chained correlations)", ErrUnsupported, corr.File, corr.Line, name)
		case r.Detection.Aggregation != nil:
			return nil, fmt.Errorf("%w: %s:%d: correlation refers to %q, a rule with an aggregation", ErrUnsupported, corr.File, corr.Line, name)
		}
		if err := Evaluable(r); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, nil
}

// FieldFor returns the field that a group-by name (or the value_count
// field) stands for in the events of the referenced rule written ref in
// Rules (its id or name) and resolved to r: the alias's field for that
// rule (looked up by ref, then r.Name, then r.ID) when name is an alias,
// else name itself.
func (c *Correlation) FieldFor(name, ref string, r *Rule) string {
	if m, ok := c.Aliases[name]; ok {
		keys := []string{ref}
		if r != nil {
			keys = append(keys, r.Name, r.ID)
		}
		for _, k := range keys {
			if f, ok := m[k]; ok && k != "" {
				return f
			}
		}
	}
	return name
}

func planOf(corr *Rule, base map[string]*Rule) (*plan, error) {
	if err := Evaluable(corr); err != nil {
		return nil, err
	}
	if c := corr.Correlation; c != nil {
		refs, err := References(corr, base)
		if err != nil {
			return nil, err
		}
		return &plan{typ: c.Type, refs: refs, refNames: c.Rules, groupBy: c.GroupBy, field: c.Condition.Field,
			span: c.Timespan, thresholds: c.Condition.Thresholds, corr: c}, nil
	}
	if corr.Detection == nil || corr.Detection.Aggregation == nil {
		return nil, fmt.Errorf("sigma: %s:%d: rule %q is not a correlation and has no aggregation", corr.File, corr.Line, corr.Title)
	}
	a := corr.Detection.Aggregation
	p := &plan{typ: EventCount, refs: []*Rule{corr}, refNames: []string{corr.ID}, groupBy: a.GroupBy,
		field: a.Field, span: corr.Detection.Timeframe, thresholds: []Threshold{a.Threshold}}
	if a.Field != "" {
		p.typ = ValueCount
	}
	return p, nil
}

// fieldFor returns the path a group-by name stands for in events of the
// referenced rule i (through aliases).
func (p *plan) fieldFor(name string, i int) []string {
	if p.corr == nil {
		return strings.Split(name, ".")
	}
	return strings.Split(p.corr.FieldFor(name, p.refNames[i], p.refs[i]), ".")
}

type bucket struct {
	g Group
	// times are, per referenced rule, the times of its matches.
	times  [][]time.Time
	values map[string]bool
}

// Correlate evaluates a correlation rule (or a rule with an old-style
// aggregation) over records and returns the groups that fire, sorted by
// window start and then group key. base resolves the correlation's rule
// references by id or name (see Index). Records need not be in time
// order; those without a readable eventTime are ignored. The semantics
// are in the package documentation.
func Correlate(corr *Rule, base map[string]*Rule, records []map[string]any) ([]Group, error) {
	p, err := planOf(corr, base)
	if err != nil {
		return nil, err
	}
	buckets := map[string]*bucket{}
	matched := make([]bool, len(p.refs))
	for i, rec := range records {
		t, ok := EventTime(rec)
		if !ok {
			continue
		}
		firstRule := -1
		for j, r := range p.refs {
			m, err := Match(r, rec)
			if err != nil {
				return nil, err
			}
			matched[j] = m
			if m && firstRule < 0 {
				firstRule = j
			}
		}
		if firstRule < 0 {
			continue
		}
		key := make([]GroupValue, len(p.groupBy))
		for k, g := range p.groupBy {
			key[k] = Field(rec, p.fieldFor(g, firstRule))
		}
		var start, end time.Time
		if p.span > 0 {
			sec := int64(p.span / time.Second)
			w := floorDiv(t.Unix(), sec) * sec
			start, end = time.Unix(w, 0).UTC(), time.Unix(w+sec, 0).UTC()
		}
		id := encodeKey(key) + "\x00" + start.Format(time.RFC3339)
		b := buckets[id]
		if b == nil {
			b = &bucket{g: Group{Key: key, Start: start, End: end, First: t, Last: t},
				times: make([][]time.Time, len(p.refs)), values: map[string]bool{}}
			buckets[id] = b
		}
		b.g.Records = append(b.g.Records, i)
		if t.Before(b.g.First) {
			b.g.First = t
		}
		if t.After(b.g.Last) {
			b.g.Last = t
		}
		for j := range p.refs {
			if matched[j] {
				b.times[j] = append(b.times[j], t)
			}
		}
		if p.typ == ValueCount {
			if v := Field(rec, p.fieldFor(p.field, firstRule)); !v.Null {
				b.values[v.Value] = true
			}
		}
	}
	var out []Group
	for _, b := range buckets {
		b.g.Count = p.count(b)
		if p.holds(b.g.Count) {
			out = append(out, b.g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return encodeKey(out[i].Key) < encodeKey(out[j].Key)
	})
	return out, nil
}

func (p *plan) count(b *bucket) int64 {
	switch p.typ {
	case EventCount:
		return int64(len(b.g.Records))
	case ValueCount:
		return int64(len(b.values))
	case Temporal:
		n := int64(0)
		for _, ts := range b.times {
			if len(ts) > 0 {
				n++
			}
		}
		return n
	case TemporalOrdered:
		// Rule 1's earliest match, then rule 2's earliest match at or
		// after it, and so on: the count is how far the chain gets.
		var at time.Time
		for j, ts := range b.times {
			var best time.Time
			found := false
			for _, t := range ts {
				if (j == 0 || !t.Before(at)) && (!found || t.Before(best)) {
					best, found = t, true
				}
			}
			if !found {
				return int64(j)
			}
			at = best
		}
		return int64(len(b.times))
	}
	return 0
}

func (p *plan) holds(n int64) bool {
	for _, t := range p.thresholds {
		if !t.Holds(n) {
			return false
		}
	}
	return len(p.thresholds) > 0
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func encodeKey(key []GroupValue) string {
	var b strings.Builder
	for _, v := range key {
		if v.Null {
			b.WriteString("\x01")
		} else {
			b.WriteString("\x02" + v.Value)
		}
		b.WriteByte(0)
	}
	return b.String()
}
