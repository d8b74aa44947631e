package query

import (
	"reflect"
	"strings"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// column is one column (or struct field) of the lake's schema.
type column struct {
	// name is the lake's (Athena's) lower-case name.
	name string
	// record is the name CloudTrail gives the key in a record
	// (userIdentity, sourceIPAddress, ...), used by the logs view.
	record string
	// typ is the DuckDB type of a leaf: VARCHAR, BIGINT, TIMESTAMPTZ.
	typ string
	// fields are the fields of a struct (or of a list's struct elements).
	fields []column
	// list marks a list of structs.
	list bool
}

// sqlType returns the column's DuckDB type.
func (c column) sqlType() string {
	if len(c.fields) == 0 {
		return c.typ
	}
	parts := make([]string, len(c.fields))
	for i, f := range c.fields {
		parts[i] = quoteIdent(f.name) + " " + f.sqlType()
	}
	s := "STRUCT(" + strings.Join(parts, ", ") + ")"
	if c.list {
		s += "[]"
	}
	return s
}

// partitionColumns are the Hive partition columns, in the order the
// cloudtrail view shows them (after the data columns).
var partitionColumns = []string{"account", "region", "year", "month", "day"}

// lakeSchema returns the columns of the lake's Parquet files, read from
// the cloudtrail.Event struct that writes them.
func lakeSchema() []column {
	return structColumns(reflect.TypeOf(cloudtrail.Event{}), nil)
}

// structColumns returns the columns of struct type t, found at path (lake
// names) in the record; each column's record name is the key the record
// model maps it to (cloudtrail.RecordKey).
func structColumns(t reflect.Type, path []string) []column {
	var out []column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("parquet")
		if tag == "" || tag == "-" {
			continue
		}
		opts := strings.Split(tag, ",")
		c := column{name: opts[0]}
		at := append(path[:len(path):len(path)], c.name)
		if key, ok := cloudtrail.RecordKey(at...); ok {
			c.record = key
		} else {
			c.record = c.name // a helper column
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Slice:
			c.list = true
			c.fields = structColumns(ft.Elem(), at)
		case ft.Kind() == reflect.Struct:
			c.fields = structColumns(ft, at)
		case ft.Kind() == reflect.String:
			c.typ = "VARCHAR"
		case ft.Kind() == reflect.Int64 && strings.Contains(tag, "timestamp("):
			c.typ = "TIMESTAMPTZ"
		case ft.Kind() == reflect.Int64:
			c.typ = "BIGINT"
		case ft.Kind() == reflect.Int32:
			c.typ = "INTEGER"
		case ft.Kind() == reflect.Bool:
			c.typ = "BOOLEAN"
		default:
			panic("BUG: no DuckDB type for lake column " + c.name + " of Go type " + ft.String())
		}
		out = append(out, c)
	}
	return out
}

// keep says which keys of a record (or of a struct in it) to build: all
// of them, or only those in fields.
type keep struct {
	all    bool
	fields map[string]*keep
}

// add marks the key path (lake names, lower case) as needed.
func (k *keep) add(path []string) {
	if k.all {
		return
	}
	if len(path) == 0 {
		k.all, k.fields = true, nil
		return
	}
	if k.fields == nil {
		k.fields = map[string]*keep{}
	}
	sub := k.fields[path[0]]
	if sub == nil {
		sub = &keep{}
		k.fields[path[0]] = sub
	}
	sub.add(path[1:])
}

// recordStruct returns the SQL expression that builds one CloudTrail record
// (as a struct with CloudTrail's key names) from the columns of a
// cloudtrail row. With k set, only the keys it names are built.
func recordStruct(cols []column, k *keep) string {
	parts := make([]string, 0, len(cols))
	for _, c := range cols {
		if strings.HasPrefix(c.name, "_") || c.name == "eventtimestamp" {
			continue
		}
		var sub *keep
		if k != nil && !k.all {
			if sub = k.fields[c.name]; sub == nil {
				continue
			}
		}
		parts = append(parts, quoteIdent(c.record)+" := "+recordValue(c, quoteIdent(c.name), sub))
	}
	return "struct_pack(" + strings.Join(parts, ", ") + ")"
}

// recordValue renames the fields of a nested column to CloudTrail's key
// names; src is the SQL of the column's value, k the fields to keep (nil:
// all). A struct built with only some of its fields is built without the
// check that the source struct is not NULL (a NULL struct gives a struct
// of NULLs): the check reads every field of the source and costs more than
// the rest of the query.
func recordValue(c column, src string, k *keep) string {
	if len(c.fields) == 0 {
		return src
	}
	if c.list {
		// A list of structs: cast to the renamed element type.
		return "CAST(" + src + " AS " + renamedType(c) + ")"
	}
	if k != nil && k.all {
		k = nil
	}
	var parts []string
	for _, f := range c.fields {
		var sub *keep
		if k != nil {
			if sub = k.fields[f.name]; sub == nil {
				continue
			}
		}
		parts = append(parts, quoteIdent(f.record)+" := "+recordValue(f, src+"."+quoteIdent(f.name), sub))
	}
	if len(parts) == 0 {
		return "NULL"
	}
	built := "struct_pack(" + strings.Join(parts, ", ") + ")"
	if k != nil {
		return built
	}
	return "CASE WHEN " + src + " IS NOT NULL THEN " + built + " END"
}

// renamedType is the column's type with CloudTrail's key names.
func renamedType(c column) string {
	if len(c.fields) == 0 {
		return c.typ
	}
	parts := make([]string, len(c.fields))
	for i, f := range c.fields {
		parts[i] = quoteIdent(f.record) + " " + renamedType(f)
	}
	s := "STRUCT(" + strings.Join(parts, ", ") + ")"
	if c.list {
		s += "[]"
	}
	return s
}
