package report_test

import (
	"fmt"

	"github.com/trailsql/trailsql/internal/report"
)

func ExamplePlaceholders() {
	sql, names, err := report.Placeholders(`SELECT eventtime FROM cloudtrail
WHERE (:account = '' OR account = :account) AND json_extract_scalar(requestparameters, '$.userName') = :user`)
	if err != nil {
		panic(err)
	}
	fmt.Println(sql)
	fmt.Println(names)
	// Output:
	// SELECT eventtime FROM cloudtrail
	// WHERE (? = '' OR account = ?) AND json_extract_scalar(requestparameters, '$.userName') = ?
	// [account account user]
}

func ExampleLoad() {
	lib, err := report.Load()
	if err != nil {
		panic(err)
	}
	r := lib.Lookup("security-group-opened-to-world")
	fmt.Println(r.Title)
	for _, p := range r.Params {
		fmt.Printf("%s (%s): %s\n", p.Name, p.Type, p.Doc)
	}
	// Output:
	// Security groups opened to the world
	// group (string): only this security group id ('' for every group)
}
