package detect_test

import (
	"fmt"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/sigma"
)

// Compile a Sigma rule and print the SQL of the one scan that Run sends
// to the query engine for the plain rules.
func ExampleCompile() {
	rules, err := sigma.Parse("stop.yml", []byte(`
title: CloudTrail logging stopped
id: 4db60cc0-36fb-4c5b-a8b1-7fb1f8b1d9a5
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventSource: cloudtrail.amazonaws.com
        eventName: StopLogging
    filter:
        userIdentity.arn|endswith: ':role/trail-admin'
    condition: selection and not filter
level: high
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	compiled, err := detect.Compile(rules)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(detect.PlainSQL(compiled, detect.Range{}))
	// Output:
	// SELECT eventid, _fp, eventtimestamp, account, region, useridentity.arn, sourceipaddress, array_join(filter(ARRAY[CASE WHEN lower(eventsource) = 'cloudtrail.amazonaws.com' AND lower(eventname) = 'stoplogging' AND NOT coalesce(lower(useridentity.arn) LIKE '%:role/trail-admin' ESCAPE '\', FALSE) THEN '0' END], x -> x IS NOT NULL), ',') FROM cloudtrail WHERE CASE WHEN lower(eventname) IN ('stoplogging') THEN lower(eventsource) = 'cloudtrail.amazonaws.com' AND lower(eventname) = 'stoplogging' AND NOT coalesce(lower(useridentity.arn) LIKE '%:role/trail-admin' ESCAPE '\', FALSE) ELSE FALSE END
}
