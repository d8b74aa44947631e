package query_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/trailsql/trailsql/internal/query"
)

func ExampleEngine_Query() {
	dir, err := os.MkdirTemp("", "lake")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	eng, err := query.Open(ctx, dir, query.Options{Timeout: time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Query(ctx, "SELECT count(*) AS events FROM cloudtrail WHERE sourceipaddress = ? AND year = '2019'", "1.2.3.4")
	if err != nil {
		log.Fatal(err)
	}
	if err := query.Write(os.Stdout, res, "table", query.WriteOptions{}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Stats.Files, "files read")
	// Output:
	// events
	// ------
	// 0
	// (1 row)
	// 0 files read
}

func ExampleTranslate() {
	sql, err := query.Translate(
		"SELECT json_extract_scalar(requestparameters, '$.groupId') FROM default.cloudtrail_logs WHERE from_iso8601_timestamp(eventtime) > now() - INTERVAL '7' DAY",
		query.TranslateOptions{Now: time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sql)
	_, err = query.Translate("COPY (SELECT * FROM cloudtrail) TO 'all.csv'", query.TranslateOptions{})
	fmt.Println(query.IsRefused(err))
	// Output:
	// SELECT athena_json_extract_scalar(requestparameters, '$.groupId') FROM cloudtrail_logs WHERE eventtimestamp > TIMESTAMPTZ '2019-10-02 00:00:00.000000+00' - INTERVAL '7' DAY
	// true
}
