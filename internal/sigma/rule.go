package sigma

import (
	"net/netip"
	"regexp"
	"time"
)

// Rule is one Sigma document: a detection rule (Detection set) or a
// correlation rule (Correlation set), never both. Fields keep the text as
// written; nothing is normalised except where a field says so.
type Rule struct {
	// ID is the rule's `id` (a UUID in SigmaHQ rules); Name its `name`,
	// the handle correlation rules use to refer to it. Either may be empty.
	ID   string
	Name string
	// Title, Status, Level, Description, Author, Date and Modified are the
	// metadata fields as written (Date and Modified keep their YAML text,
	// e.g. "2020/02/11" or "2022-10-09").
	Title       string
	Status      string
	Level       string
	Description string
	Author      string
	Date        string
	Modified    string
	// Tags ("attack.t1562.008"), References and FalsePositives are the
	// lists as written; a single scalar becomes a one-element list.
	Tags           []string
	References     []string
	FalsePositives []string
	// Logsource is the rule's log source (empty for correlations).
	Logsource Logsource
	// File is the name given to Parse (a path for ParseFile and Load);
	// Line is the 1-based line of the document's first key.
	File string
	Line int
	// Detection is set for a detection rule, nil for a correlation rule.
	Detection *Detection
	// Correlation is set for a correlation rule, nil for a detection rule.
	Correlation *Correlation
	// Unsupported lists, one line each, the features of the rule that this
	// package reads but does not evaluate, naming the exact feature and
	// where it is used: `modifier "wide" on field CommandLine`, `aggregation
	// "near"`. A rule with a non-empty Unsupported must not be evaluated
	// (Match and Correlate refuse it) and the compiler must refuse it too,
	// printing these lines.
	Unsupported []string
}

// Logsource is the rule's `logsource` section.
type Logsource struct {
	Product  string
	Service  string
	Category string
}

// Detection is a detection rule's `detection` section: named searches and
// the condition that combines them.
type Detection struct {
	// Searches are the search identifiers in the order written.
	Searches []*Search
	// Condition is the parsed condition (the part before any `|`). When
	// the rule has several conditions (a YAML list), they are joined by Or.
	Condition Expr
	// ConditionText is the condition as written (several joined by " or "
	// in parentheses).
	ConditionText string
	// ConditionLine is the line of the condition.
	ConditionLine int
	// Aggregation is the old pipe form `search | count(...) by ... > n`;
	// nil when the condition has no pipe.
	Aggregation *Aggregation
	// Timeframe is the old `timeframe` (under detection, or at the top
	// level), 0 when absent. It only has a meaning with an Aggregation.
	Timeframe time.Duration
}

// Search returns the search named name (names are case-sensitive), or nil.
func (d *Detection) Search(name string) *Search {
	for _, s := range d.Searches {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Search is one search identifier of a detection. It matches a record when
// any of its Groups matches (OR); a group matches when every matcher in it
// matches (AND).
//
//   - a map `{field: value, ...}` is one group;
//   - a list of maps is one group per map;
//   - a list of plain values (keywords) is one group holding one keyword
//     matcher (FieldMatcher.Keyword) with those values.
type Search struct {
	Name   string
	Line   int
	Groups [][]*FieldMatcher
}

// Op is the comparison a FieldMatcher makes.
type Op int

const (
	// OpPattern compares the field's values with Value.Patterns (plain
	// values, wildcards, contains/startswith/endswith, base64, null).
	OpPattern Op = iota
	// OpRegexp matches the field's values with Value.Regexp (modifier re).
	OpRegexp
	// OpCIDR tests that the field's values are IP addresses inside
	// Value.Prefix (modifier cidr).
	OpCIDR
	// OpExists tests the presence of the field (modifier exists);
	// Value.Exists says whether it must be present or absent.
	OpExists
	// OpFieldRef compares the field's values with the values of the field
	// Value.Ref (modifier fieldref), honouring Position.
	OpFieldRef
)

// String returns the op's name as used in tests and goldens.
func (o Op) String() string {
	switch o {
	case OpPattern:
		return "pattern"
	case OpRegexp:
		return "re"
	case OpCIDR:
		return "cidr"
	case OpExists:
		return "exists"
	case OpFieldRef:
		return "fieldref"
	}
	return "?"
}

// Position is where a value must appear in the field's value: the
// contains, startswith and endswith modifiers. For OpPattern it is already
// folded into Value.Patterns (as `*` wildcards); it is kept here for
// display and for OpFieldRef, whose values are not patterns.
type Position int

const (
	// Whole: the value must equal the field's value (modulo wildcards).
	Whole Position = iota
	// Contains: modifier contains.
	Contains
	// StartsWith: modifier startswith.
	StartsWith
	// EndsWith: modifier endswith.
	EndsWith
)

// String returns the modifier name, "" for Whole.
func (p Position) String() string {
	switch p {
	case Contains:
		return "contains"
	case StartsWith:
		return "startswith"
	case EndsWith:
		return "endswith"
	}
	return ""
}

// FieldMatcher is one `field|modifiers: values` entry of a search.
type FieldMatcher struct {
	// Key is the YAML key as written ("userIdentity.arn|contains").
	Key string
	// Field is the field name as written, without modifiers
	// ("userIdentity.arn"); empty for a keyword matcher.
	Field string
	// Path is Field split on '.'; nil for a keyword matcher.
	Path []string
	// Keyword is true for keyword (full-text) matchers: a list of plain
	// values under a search, or a `|modifiers` key without a field name.
	// Their values are searched in every scalar value of the record.
	Keyword bool
	// Modifiers are the modifiers as written, in order.
	Modifiers []string
	// Line is the line of the key.
	Line int
	// Op is the comparison made.
	Op Op
	// Position is contains/startswith/endswith (see Position).
	Position Position
	// All is the `all` modifier: every value must match (AND) instead of
	// any (OR).
	All bool
	// Cased is the `cased` modifier: compare case-sensitively. Without it,
	// OpPattern and OpFieldRef compare case-insensitively. OpRegexp is
	// case-sensitive unless the expression says (?i) or the `i`
	// sub-modifier is given (already in Value.Regexp).
	Cased bool
	// Values are the values (at least one). They are ORed unless All.
	Values []Value
}

// Kind is the YAML type of a value as written in the rule.
type Kind int

const (
	// KindString is a YAML string.
	KindString Kind = iota
	// KindNumber is a YAML integer or float (matched by its text).
	KindNumber
	// KindBool is a YAML boolean (matched by its text).
	KindBool
	// KindNull is YAML null (`~`, `null`, or an empty value).
	KindNull
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "bool"
	case KindNull:
		return "null"
	}
	return "?"
}

// Value is one value of a FieldMatcher, parsed for its Op.
type Value struct {
	// Kind is the YAML type as written; Text the scalar as written (for
	// strings: before escapes are read).
	Kind Kind
	Text string
	Line int
	// Patterns (OpPattern, Kind != KindNull): the value matches when any
	// of them matches. There is exactly one except for base64offset,
	// which gives the three shifted encodings (of the UTF-16 text with
	// wide/utf16*). Numbers and booleans are literal patterns of their
	// text (443 matches "443", true matches "true").
	// contains/startswith/endswith have added their wildcards;
	// for a keyword matcher a pattern without any wildcard has been made a
	// substring (*value*).
	Patterns []Pattern
	// Regexp (OpRegexp) is the compiled expression, with the i/m/s
	// sub-modifiers applied as (?i), (?m), (?s) flags.
	Regexp *regexp.Regexp
	// Prefix (OpCIDR) is the network; an address without a length is a
	// /32 or /128.
	Prefix netip.Prefix
	// Exists (OpExists) is true for `exists: true`.
	Exists bool
	// Ref and RefPath (OpFieldRef) are the referenced field name and its
	// path.
	Ref     string
	RefPath []string
}

// Correlation is a correlation rule's `correlation` section.
type Correlation struct {
	// Type is event_count, value_count, temporal or temporal_ordered.
	Type CorrelationType
	// Rules are the referenced rules, by id or name, as written.
	Rules []string
	// GroupBy are the group-by fields (or alias names), possibly none.
	GroupBy []string
	// Timespan is the window length (`timespan`, as Ns, Nm, Nh or Nd).
	Timespan time.Duration
	// Condition is the threshold. For temporal rules without a condition
	// it is Field "" and `gte len(Rules)` (every rule matched).
	Condition CorrelationCondition
	// Generate is `generate`: whether the referenced rules also run on
	// their own.
	Generate bool
	// Aliases maps an alias name to, per referenced rule name (or id), the
	// field that alias stands for in that rule's events.
	Aliases map[string]map[string]string
}

// CorrelationType is the `type` of a correlation.
type CorrelationType string

// The correlation types of the Sigma correlation specification.
const (
	EventCount      CorrelationType = "event_count"
	ValueCount      CorrelationType = "value_count"
	Temporal        CorrelationType = "temporal"
	TemporalOrdered CorrelationType = "temporal_ordered"
)

// CorrelationCondition is a correlation's `condition`: every threshold
// must hold (a range such as gt 100 and lte 200 has two).
type CorrelationCondition struct {
	// Field is the field whose distinct values value_count counts.
	Field      string
	Thresholds []Threshold
}

// Threshold is one `op: value` of a condition.
type Threshold struct {
	Op    CompareOp
	Value int64
}

// Holds reports whether n satisfies the threshold.
func (t Threshold) Holds(n int64) bool {
	switch t.Op {
	case Gt:
		return n > t.Value
	case Gte:
		return n >= t.Value
	case Lt:
		return n < t.Value
	case Lte:
		return n <= t.Value
	case Eq:
		return n == t.Value
	case Neq:
		return n != t.Value
	}
	return false
}

// CompareOp is a comparison of a count with a threshold.
type CompareOp string

// The comparisons; the old pipe form's >, >=, <, <=, == (or =), != map to
// them.
const (
	Gt  CompareOp = "gt"
	Gte CompareOp = "gte"
	Lt  CompareOp = "lt"
	Lte CompareOp = "lte"
	Eq  CompareOp = "eq"
	Neq CompareOp = "neq"
)

// Aggregation is the old pipe form of a condition:
// `search | count() by f1, f2 > n` or `search | count(field) by f > n`.
// It is evaluated as a correlation over the rule itself: count() is an
// event_count, count(field) a value_count of field, grouped by GroupBy,
// over windows of the detection's Timeframe (one window over all records
// when there is no timeframe).
type Aggregation struct {
	// Func is the aggregate function, "count" (others are Unsupported).
	Func string
	// Field is the counted field, empty for count().
	Field string
	// GroupBy are the `by` fields, possibly none.
	GroupBy []string
	// Threshold is the comparison after the group-by.
	Threshold Threshold
	// Text is the part after `|` as written.
	Text string
}
