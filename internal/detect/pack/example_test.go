package pack_test

import (
	"fmt"

	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/sigma"
)

func ExampleRules() {
	rules, err := pack.Rules()
	if err != nil {
		panic(err)
	}
	r := sigma.Index(rules)["cloudtrail-stop-logging"]
	fmt.Println(len(rules), "rules")
	fmt.Println(r.Title, "|", r.Level, "|", r.Tags)
	// Output:
	// 60 rules
	// CloudTrail logging stopped | high | [attack.defense-evasion attack.t1562.008]
}
