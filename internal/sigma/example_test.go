package sigma_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trailsql/trailsql/internal/sigma"
)

func Example() {
	rules, err := sigma.Parse("stop_logging.yml", []byte(`
title: CloudTrail logging stopped
id: 4a9c2a8e-0000-4000-8000-000000000000
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventSource: cloudtrail.amazonaws.com
        eventName:
            - StopLogging
            - DeleteTrail
    filter:
        userIdentity.arn|endswith: ':role/OrganizationAccountAccessRole'
    condition: selection and not filter
level: high
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	dec := json.NewDecoder(strings.NewReader(`{
		"eventSource": "cloudtrail.amazonaws.com",
		"eventName": "stoplogging",
		"userIdentity": {"arn": "arn:aws:iam::123456789012:user/mallory"}
	}`))
	dec.UseNumber()
	var record map[string]any
	if err := dec.Decode(&record); err != nil {
		fmt.Println(err)
		return
	}
	ok, err := sigma.Match(rules[0], record)
	fmt.Println(rules[0].Title, rules[0].Detection.Condition, ok, err)

	_, err = sigma.Parse("bad.yml", []byte("title: x\ndetection:\n    sel:\n        a|foo: b\n    condition: sel\n"))
	fmt.Println(err)
	// Output:
	// CloudTrail logging stopped (selection and not filter) true <nil>
	// bad.yml:4: unknown modifier "foo"
}

func ExampleCorrelate() {
	rules, err := sigma.Parse("brute.yml", []byte(`
title: Failed console login
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: ConsoleLogin
        errorMessage: Failed authentication
    condition: selection
---
title: Console brute force
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [sourceIPAddress]
    timespan: 10m
    condition:
        gte: 3
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	var records []map[string]any
	for _, at := range []string{"12:00:01", "12:04:00", "12:09:59", "12:10:00"} {
		records = append(records, map[string]any{
			"eventTime": "2024-08-01T" + at + "Z", "eventName": "ConsoleLogin",
			"errorMessage": "Failed authentication", "sourceIPAddress": "203.0.113.9",
		})
	}
	groups, err := sigma.Correlate(rules[1], sigma.Index(rules), records)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range groups {
		fmt.Println(g.Key, g.Start.Format("15:04"), g.End.Format("15:04"), g.Count, g.Records)
	}
	// Output:
	// [203.0.113.9] 12:00 12:10 3 [0 1 2]
}
