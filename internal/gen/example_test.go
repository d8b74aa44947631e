package gen_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
)

func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "trailsql-gen")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	st, err := gen.Generate(context.Background(), gen.Options{
		Dir:      dir,
		Events:   5000,
		Accounts: 2,
		Regions:  2,
		Days:     1,
		Start:    time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC),
		Org:      gen.DefaultOrg,
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d events, %d planted, %d Insights, %d duplicates\n", st.Events, st.Scenario, st.Insights, st.Duplicates)
	// Output: 5000 events, 205 planted, 2 Insights, 4 duplicates
}
