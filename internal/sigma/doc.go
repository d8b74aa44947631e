// Package sigma reads Sigma rules as written (the public Sigma
// specification: detection rules, the old `| count()` aggregations and
// correlation rules) and evaluates them in plain Go over raw CloudTrail
// records. The evaluator (Match, Correlate) is the reference that the SQL
// compiler of package detect is tested against, so the semantics below are
// a contract: the compiler implements the same.
//
// # Reading
//
// Parse, ParseFile and Load return []*Rule. A file may hold several YAML
// documents (a correlation and the rules it refers to). Bad input gives a
// one-line *Error, "file:line: message". A feature that is read but not
// evaluated does not fail the parse: the rule carries Rule.Unsupported,
// one line per feature naming it exactly (`modifier "wide" on field
// CommandLine`), and Match, Correlate and the compiler refuse the rule.
// Unsupported: the modifiers windash, expand, lt, lte, gt, gte, neq and
// the time modifiers; wide, utf16, utf16le and utf16be anywhere but before
// base64 or base64offset; `re` expressions
// RE2 does not accept (lookarounds, backreferences, atomic groups);
// aggregations other than count (near, min, max, avg, sum); a `timeframe`
// without an aggregation; several conditions with an aggregation;
// correlation types other than the four below; a condition on
// temporal_ordered. Refused outright (an error): `action` documents,
// unknown modifiers, conflicting modifiers, `N of` with N other than 1.
//
// # Fields
//
// A field name is a dotted path (`requestParameters.userName`) split on
// '.'; a key holding a '.' cannot be reached. Each element is matched
// against the record's keys case-insensitively (Unicode folding; every
// key that folds equal is followed). An array met on the way is fanned
// out: `requestParameters.containerDefinitions.command` reaches the command
// of every element of containerDefinitions, and an array at the end is
// flattened, so the field has the values of every element (Lookup). The
// field matches a value when ANY of its values does.
//
// The values are compared in their string form (Text): a string as is, a
// JSON number as written in the JSON (443 is "443", 1.50 is "1.50"), a
// boolean as "true"/"false", an object as its compact JSON text with keys
// sorted (so `requestParameters|contains: Suspended` looks inside the
// request, as the rule authors mean; a pattern spanning more than one
// key/value pair may not agree with a text that keeps another key order).
// Values in the rule are compared in their YAML text: 443 and '443' both
// match "443", `false` and 'false' both match false.
//
// # Values
//
//   - Comparison is case-insensitive (both sides through Fold, i.e.
//     strings.ToLower; SQL lower()) unless the `cased` modifier is given.
//   - Strings are wildcard patterns matched against the WHOLE value: `*`
//     any run of characters (possibly none), `?` exactly one character
//     (code point); `\*`, `\?`, `\\` are literal; any other backslash is a
//     literal backslash. contains, startswith and endswith add `*` on the
//     sides (Pattern).
//   - null matches when the field has no value: the key is missing, or
//     one of its values is JSON null (an empty array gives no value, so
//     null matches it).
//   - An empty string value matches only the empty string (not a
//     missing key, not null).
//   - A list of values is an OR; with `all` it is an AND (each value must
//     match some value of the field).
//   - exists: true matches when the last key of the path is present in at
//     least one object reached, whatever its value (null and [] included);
//     exists: false when it is not.
//   - re: Go RE2 syntax, unanchored (match anywhere), case-sensitive unless
//     the expression says (?i) or the sub-modifier i is given (m and s give
//     (?m), (?s)). Differences with PCRE: no lookaround, backreferences,
//     atomic groups or possessive quantifiers (reported as unsupported);
//     \Z, \A and classes like [[:alpha:]] are as RE2 defines them. It
//     applies to the string form of every value (objects as JSON text).
//   - cidr: the value is a network (an address alone is /32 or /128); it
//     matches a field value that is a JSON string holding an IPv4 or IPv6
//     address inside it (an IPv4-mapped IPv6 address also as IPv4).
//     "AWS Internal" and other non-addresses never match.
//   - fieldref: the value names another field; it matches when some scalar
//     value (string, number, boolean) of the field equals some scalar
//     value of the other field (case-insensitively unless cased); with
//     contains/startswith/endswith, contains/starts with/ends with it.
//     Objects, arrays and null never match.
//   - base64: the value (no wildcards allowed) is replaced by its standard
//     base64 encoding (with padding); base64offset by the three encodings
//     of the value shifted by 0, 1 and 2 bytes, cut to the characters that
//     do not depend on the surrounding bytes (as pySigma), any of which
//     may match. contains etc. then apply to the encoded text. Before
//     base64 or base64offset, wide (= utf16le), utf16le, utf16be and utf16
//     (a FF FE byte order mark, then little-endian) encode the value's
//     text in UTF-16 first.
//   - Keywords (a list of plain values under a search, or a `|mods` key
//     without a field) are searched in every scalar value of the record
//     at any depth (strings, numbers, booleans; not keys, not null;
//     Scalars): a keyword without wildcards matches as a substring, one
//     with wildcards must match a whole value.
//
// A search that is a map is the AND of its entries; a list of maps is the
// OR of the maps. Conditions combine searches with and, or, not,
// parentheses, `1 of P` / `any of P` (OR) and `all of P` (AND), where P is
// a glob over search names or `them` (every search whose name does not
// start with `_`); the parser resolves P to names (OneOf, AllOf).
//
// # Correlations
//
// Correlate evaluates a correlation rule, or a detection rule with an old
// aggregation, over a list of records. Windows are TUMBLING and aligned
// to the epoch: an event at eventTime t (RFC 3339, UTC; records without a
// readable eventTime are ignored) falls in the window starting at
// floor(unix_seconds(t) / S) * S, where S is the timespan in seconds. An
// old aggregation without timeframe has one window over all records.
// Within each window, events are grouped by the group-by values (Field:
// exact-case key first, then case-insensitive; objects only, no array
// fan-out; missing/null/object/array give a null group value, which
// groups with other nulls; values compare case-sensitively). For an
// event matching several referenced rules, aliases are resolved with the
// first of them in the correlation's rule order. A group's events are
// the events of the window with that key matching at least one referenced
// rule, each counted once. Then:
//
//   - event_count (and `count()`): the number of events;
//   - value_count (and `count(field)`): the number of distinct non-null
//     values (Field, case-sensitive) of the condition field;
//   - temporal: the number of referenced rules matched by at least one
//     event (the default condition is gte the number of rules: all);
//   - temporal_ordered: t1 = the earliest match of rule 1; t(k+1) = the
//     earliest match of rule k+1 at or after t(k) (ties count as in
//     order, and one event may serve two rules); the count is the number
//     of rules the chain reaches; it fires when it reaches them all.
//
// A group fires when every threshold of the condition holds for its count
// (a group exists only if it has at least one event, so lt/lte never fire
// on zero). Groups are returned sorted by window start, then key.
package sigma
