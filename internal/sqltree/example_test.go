package sqltree_test

import (
	"errors"
	"fmt"

	"github.com/trailsql/trailsql/internal/sqltree"
)

func ExampleParse() {
	s, err := sqltree.Parse(`select eventname, count(*) n from cloudtrail
where year = '2019' and errorcode != '' group by 1 order by n desc limit 5`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	// Output:
	// SELECT eventname, count(*) AS n FROM cloudtrail WHERE year = '2019' AND errorcode <> '' GROUP BY 1 ORDER BY n DESC LIMIT 5
}

func ExampleError() {
	_, err := sqltree.Parse("SELECT * FROM cloudtrail\nWHERE eventname IN ('StopLogging'\n'DeleteTrail')")
	var se *sqltree.Error
	if errors.As(err, &se) {
		fmt.Println(se.Line, se.Column)
		fmt.Println(se.Context())
	}
	// Output:
	// 3 1
	//   'DeleteTrail')
	//   ^
}

func ExampleWalk() {
	q, _ := sqltree.ParseQuery("SELECT useridentity.arn FROM cloudtrail WHERE region = 'us-east-1' AND year = '2019'")
	sqltree.Walk(q, func(n sqltree.Node) bool {
		if b, ok := n.(*sqltree.Binary); ok && b.Op == "=" {
			fmt.Println(b)
		}
		return true
	})
	// Output:
	// region = 'us-east-1'
	// year = '2019'
}

func ExampleRewrite() {
	q, _ := sqltree.ParseQuery("SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail")
	q = sqltree.Rewrite(q, func(n sqltree.Node) sqltree.Node {
		if c, ok := n.(*sqltree.FuncCall); ok && c.Name[0].Name == "json_extract_scalar" {
			c.Name[0].Name = "athena_json_extract_scalar"
		}
		return n
	}).(*sqltree.Query)
	fmt.Println(q)
	// Output:
	// SELECT athena_json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail
}
