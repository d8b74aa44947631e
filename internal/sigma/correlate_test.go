package sigma

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// login makes a ConsoleLogin record: ok is success, else failure.
func login(at, ip, user string, ok bool) map[string]any {
	r := map[string]any{
		"eventTime":       at,
		"eventName":       "ConsoleLogin",
		"sourceIPAddress": ip,
		"userIdentity":    map[string]any{"type": "IAMUser"},
	}
	if user != "" {
		r["userIdentity"].(map[string]any)["userName"] = user
	}
	if ok {
		r["responseElements"] = map[string]any{"ConsoleLogin": "Success"}
	} else {
		r["errorMessage"] = "Failed authentication"
		r["responseElements"] = map[string]any{"ConsoleLogin": "Failure"}
	}
	return r
}

// groups prints fired groups as "start key count [records]".
func groups(gs []Group) string {
	var b strings.Builder
	for _, g := range gs {
		start := "-"
		if !g.Start.IsZero() {
			start = g.Start.Format("15:04") + "-" + g.End.Format("15:04")
		}
		key := make([]string, len(g.Key))
		for i, k := range g.Key {
			key[i] = k.String()
		}
		fmt.Fprintf(&b, "%s %s n=%d %s..%s %v\n", start, strings.Join(key, ","), g.Count,
			g.First.Format("15:04:05"), g.Last.Format("15:04:05"), g.Records)
	}
	return b.String()
}

func loadTestRules(t *testing.T, name string) ([]*Rule, map[string]*Rule) {
	t.Helper()
	rules, err := ParseFile(filepath.Join("testdata", "rules", name))
	if err != nil {
		t.Fatal(err)
	}
	return rules, Index(rules)
}

func TestCorrelateEventCount(t *testing.T) {
	rules, idx := loadTestRules(t, "correlation_bruteforce.yml")
	brute := rules[2]
	d := "2024-08-01T"
	recs := []map[string]any{
		// 0-4: five failures by bob from 1.1.1.1 in 12:00-12:10: fires.
		login(d+"12:00:00Z", "1.1.1.1", "bob", false),
		login(d+"12:03:00Z", "1.1.1.1", "bob", false),
		login(d+"12:05:00Z", "1.1.1.1", "bob", false),
		login(d+"12:09:59Z", "1.1.1.1", "bob", false),
		login(d+"12:01:00Z", "1.1.1.1", "bob", false),
		// 5: a success does not count.
		login(d+"12:02:00Z", "1.1.1.1", "bob", true),
		// 6-10: five failures across 12:10 (3 then 2): tumbling windows,
		// no fire.
		login(d+"12:18:00Z", "2.2.2.2", "bob", false),
		login(d+"12:19:00Z", "2.2.2.2", "bob", false),
		login(d+"12:19:59Z", "2.2.2.2", "bob", false),
		login(d+"12:20:00Z", "2.2.2.2", "bob", false),
		login(d+"12:21:00Z", "2.2.2.2", "bob", false),
		// 11-15: five failures without a user name: the null group.
		login(d+"12:30:00Z", "3.3.3.3", "", false),
		login(d+"12:30:01Z", "3.3.3.3", "", false),
		login(d+"12:30:02Z", "3.3.3.3", "", false),
		login(d+"12:30:03Z", "3.3.3.3", "", false),
		login(d+"12:30:04Z", "3.3.3.3", "", false),
		// 16: no eventTime: ignored; 17: unreadable time: ignored.
		login("", "3.3.3.3", "", false),
		login("yesterday", "3.3.3.3", "", false),
		// 18-21: four failures by another user from 1.1.1.1: no fire.
		login(d+"12:00:00Z", "1.1.1.1", "BOB", false),
		login(d+"12:00:00Z", "1.1.1.1", "BOB", false),
		login(d+"12:00:00Z", "1.1.1.1", "BOB", false),
		login(d+"12:00:00Z", "1.1.1.1", "BOB", false),
	}
	got, err := Correlate(brute, idx, recs)
	if err != nil {
		t.Fatal(err)
	}
	want := "12:00-12:10 1.1.1.1,bob n=5 12:00:00..12:09:59 [0 1 2 3 4]\n" +
		"12:30-12:40 3.3.3.3,null n=5 12:30:00..12:30:04 [11 12 13 14 15]\n"
	if g := groups(got); g != want {
		t.Errorf("got\n%swant\n%s", g, want)
	}
	// Records need not be in time order: reversed, the same groups fire.
	rev := make([]map[string]any, len(recs))
	for i, r := range recs {
		rev[len(recs)-1-i] = r
	}
	got, err = Correlate(brute, idx, rev)
	if err != nil {
		t.Fatal(err)
	}
	want = "12:00-12:10 1.1.1.1,bob n=5 12:00:00..12:09:59 [17 18 19 20 21]\n" +
		"12:30-12:40 3.3.3.3,null n=5 12:30:00..12:30:04 [6 7 8 9 10]\n"
	if g := groups(got); g != want {
		t.Errorf("reversed: got\n%swant\n%s", g, want)
	}
}

func TestCorrelateTemporal(t *testing.T) {
	rules, idx := loadTestRules(t, "correlation_bruteforce.yml")
	ordered := rules[3]
	d := "2024-08-01T"
	recs := []map[string]any{
		// 1.1.1.1: failure then success in 12:00-13:00: fires.
		login(d+"12:10:00Z", "1.1.1.1", "bob", false),
		login(d+"12:40:00Z", "1.1.1.1", "bob", true),
		// 2.2.2.2: success then failure: no fire.
		login(d+"12:10:00Z", "2.2.2.2", "bob", true),
		login(d+"12:40:00Z", "2.2.2.2", "bob", false),
		// 3.3.3.3: success, failure, success: fires (the second success).
		login(d+"12:01:00Z", "3.3.3.3", "bob", true),
		login(d+"12:02:00Z", "3.3.3.3", "bob", false),
		login(d+"12:03:00Z", "3.3.3.3", "bob", true),
		// 4.4.4.4: failure and success in the same second: in order.
		login(d+"12:05:00Z", "4.4.4.4", "bob", true),
		login(d+"12:05:00Z", "4.4.4.4", "bob", false),
		// 5.5.5.5: failure at 12:59, success at 13:01: other windows.
		login(d+"12:59:00Z", "5.5.5.5", "bob", false),
		login(d+"13:01:00Z", "5.5.5.5", "bob", true),
	}
	got, err := Correlate(ordered, idx, recs)
	if err != nil {
		t.Fatal(err)
	}
	want := "12:00-13:00 1.1.1.1 n=2 12:10:00..12:40:00 [0 1]\n" +
		"12:00-13:00 3.3.3.3 n=2 12:01:00..12:03:00 [4 5 6]\n" +
		"12:00-13:00 4.4.4.4 n=2 12:05:00..12:05:00 [7 8]\n"
	if g := groups(got); g != want {
		t.Errorf("temporal_ordered: got\n%swant\n%s", g, want)
	}
	// The same as temporal (any order): 2.2.2.2 fires too.
	unordered := *ordered
	c := *ordered.Correlation
	c.Type = Temporal
	unordered.Correlation = &c
	got, err = Correlate(&unordered, idx, recs)
	if err != nil {
		t.Fatal(err)
	}
	want = "12:00-13:00 1.1.1.1 n=2 12:10:00..12:40:00 [0 1]\n" +
		"12:00-13:00 2.2.2.2 n=2 12:10:00..12:40:00 [2 3]\n" +
		"12:00-13:00 3.3.3.3 n=2 12:01:00..12:03:00 [4 5 6]\n" +
		"12:00-13:00 4.4.4.4 n=2 12:05:00..12:05:00 [7 8]\n"
	if g := groups(got); g != want {
		t.Errorf("temporal: got\n%swant\n%s", g, want)
	}
}

func TestCorrelateAggregation(t *testing.T) {
	rules, _ := loadTestRules(t, "aggregation.yml")
	agg := rules[0] // count(eventName) by sourceIPAddress, userIdentity.arn >= 10 in 15m
	var recs []map[string]any
	add := func(at, ip, arn, name, code string) {
		recs = append(recs, map[string]any{"eventTime": "2024-08-01T" + at + "Z", "sourceIPAddress": ip,
			"userIdentity": map[string]any{"arn": arn}, "eventName": name, "errorCode": code})
	}
	for i := 0; i < 12; i++ {
		// 10 distinct names (List0..List9, two repeated) from 1.1.1.1.
		add(fmt.Sprintf("09:%02d:00", i), "1.1.1.1", "arn:a", fmt.Sprintf("List%d", i%10), "AccessDenied")
		// 12 events but 3 distinct names from 2.2.2.2.
		add(fmt.Sprintf("09:%02d:30", i), "2.2.2.2", "arn:a", fmt.Sprintf("Get%d", i%3), "AccessDenied")
	}
	add("09:05:00", "1.1.1.1", "arn:a", "Other", "ThrottlingException") // not counted
	got, err := Correlate(agg, nil, recs)
	if err != nil {
		t.Fatal(err)
	}
	want := "09:00-09:15 1.1.1.1,arn:a n=10 09:00:00..09:11:00 [0 2 4 6 8 10 12 14 16 18 20 22]\n"
	if g := groups(got); g != want {
		t.Errorf("count(field): got\n%swant\n%s", g, want)
	}
	// count() without timeframe: one window over everything.
	src := ruleHead + "detection:\n    sel:\n        errorCode: AccessDenied\n    condition: sel | count() > 23\n"
	rs, err := Parse("t.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got, err = Correlate(rs[0], nil, recs)
	if err != nil {
		t.Fatal(err)
	}
	if g := groups(got); !strings.HasPrefix(g, "-  n=24 09:00:00..09:11:30 [0 1 2") {
		t.Errorf("count() without timeframe: %s", g)
	}
}

func TestCorrelateValueCountAndAliases(t *testing.T) {
	src := `title: a
name: denied
logsource: {product: aws}
detection:
    sel:
        errorCode: AccessDenied
    condition: sel
---
title: b
name: created
logsource: {product: aws}
detection:
    sel:
        eventName: CreateUser
    condition: sel
---
title: distinct
correlation:
    type: value_count
    rules: [denied]
    group-by: [userIdentity.arn]
    timespan: 1d
    condition:
        field: eventName
        gt: 2
        lte: 3
---
title: aliased
correlation:
    type: temporal
    rules: [denied, created]
    group-by: [who]
    timespan: 1d
    aliases:
        who:
            denied: userIdentity.arn
            created: requestParameters.userName
`
	rules, err := Parse("t.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	idx := Index(rules)
	recs := []map[string]any{}
	add := func(at, arn, name, code string, rp map[string]any) {
		recs = append(recs, map[string]any{"eventTime": "2024-08-0" + at, "userIdentity": map[string]any{"arn": arn},
			"eventName": name, "errorCode": code, "requestParameters": rp})
	}
	add("1T01:00:00Z", "x", "A", "AccessDenied", nil)
	add("1T02:00:00Z", "x", "B", "AccessDenied", nil)
	add("1T03:00:00Z", "x", "b", "AccessDenied", nil) // case-sensitive: a third value
	add("1T04:00:00Z", "y", "A", "AccessDenied", nil)
	add("1T05:00:00Z", "y", "B", "AccessDenied", nil)
	add("1T06:00:00Z", "y", "C", "AccessDenied", nil)
	add("1T07:00:00Z", "y", "D", "AccessDenied", nil) // 4 values: above lte 3
	add("1T08:00:00Z", "z", "CreateUser", "", map[string]any{"userName": "x"})
	add("2T08:00:00Z", "z", "CreateUser", "", map[string]any{"userName": "y"}) // next day
	got, err := Correlate(rules[2], idx, recs)
	if err != nil {
		t.Fatal(err)
	}
	if g := groups(got); g != "00:00-00:00 x n=3 01:00:00..03:00:00 [0 1 2]\n" {
		t.Errorf("value_count: %s", g)
	}
	got, err = Correlate(rules[3], idx, recs)
	if err != nil {
		t.Fatal(err)
	}
	if g := groups(got); g != "00:00-00:00 x n=2 01:00:00..08:00:00 [0 1 2 7]\n" {
		t.Errorf("aliases: %s", g)
	}
}

func TestCorrelateErrors(t *testing.T) {
	src := `title: base
name: base
logsource: {product: aws}
detection:
    sel:
        a|wide: b
    condition: sel
---
title: agg
name: agg
logsource: {product: aws}
detection:
    sel:
        a: b
    condition: sel | count() > 1
---
title: c1
name: c1
correlation: {type: event_count, rules: [nothing], timespan: 1h, condition: {gt: 1}}
---
title: c2
correlation: {type: event_count, rules: [c1], timespan: 1h, condition: {gt: 1}}
---
title: c3
correlation: {type: event_count, rules: [agg], timespan: 1h, condition: {gt: 1}}
---
title: c4
correlation: {type: event_count, rules: [base], timespan: 1h, condition: {gt: 1}}
---
title: plain
logsource: {product: aws}
detection:
    sel:
        a: b
    condition: sel
`
	rules, err := Parse("t.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	idx := Index(rules)
	f := func(i int, want string, unsupported bool) {
		t.Helper()
		_, err := Correlate(rules[i], idx, nil)
		if err == nil || err.Error() != want || errors.Is(err, ErrUnsupported) != unsupported {
			t.Errorf("rule %d: got %v, want %s", i, err, want)
		}
	}
	f(2, `sigma: t.yml:17: correlation refers to unknown rule "nothing"`, false)
	f(3, `sigma: rule uses an unsupported feature: t.yml:21: correlation refers to correlation "c1" (chained correlations)`, true)
	f(4, `sigma: rule uses an unsupported feature: t.yml:24: correlation refers to "agg", a rule with an aggregation`, true)
	f(5, `sigma: rule uses an unsupported feature: t.yml:1: modifier "wide" on field a`, true)
	f(6, `sigma: t.yml:30: rule "plain" is not a correlation and has no aggregation`, false)
}

func TestWindowAlignment(t *testing.T) {
	// Windows are multiples of the timespan since the epoch, also before
	// 1970 and for spans that do not divide a day.
	src := ruleHead + "detection:\n    sel:\n        a: b\n    timeframe: 7m\n    condition: sel | count() > 0\n"
	rules, err := Parse("t.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"1969-12-31T23:59:59Z", "2024-08-01T12:04:24Z", "2024-08-01T12:04:24.999Z", "2024-08-01T14:04:24+02:00"} {
		got, err := Correlate(rules[0], nil, []map[string]any{{"eventTime": at, "a": "b"}})
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: %v %v", at, got, err)
		}
		tm, _ := time.Parse(time.RFC3339Nano, at)
		g := got[0]
		if g.Start.Unix()%420 != 0 || tm.Before(g.Start) || !tm.Before(g.End) || g.End.Sub(g.Start) != 7*time.Minute {
			t.Errorf("%s: window %s..%s", at, g.Start, g.End)
		}
	}
}
