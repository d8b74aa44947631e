package athena

import (
	"fmt"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
)

// Kind is the kind of a column's type.
type Kind int

// The kinds of column the lake has.
const (
	String Kind = iota
	BigInt
	Timestamp
	Struct
	Array
)

// Type is a column's SQL type.
type Type struct {
	Kind   Kind
	Fields []Column // Struct
	Elem   *Type    // Array
}

// Column is one column, or one field of a struct.
type Column struct {
	Name string
	Type Type
}

// Helper reports whether the column is one of trailsql's own (a parsed
// value or bookkeeping), not a field of the source records: its name starts
// with an underscore, or it holds a parsed timestamp (CloudTrail's
// eventTime is text).
func (c Column) Helper() bool { return strings.HasPrefix(c.Name, "_") || c.Type.Kind == Timestamp }

// Columns returns the data columns of the lake's cloudtrail table, in file
// order, read from the Parquet schema of lake.Row: the columns of
// cloudtrail.Event, then region and day (which a bucket's folder, one per
// account and month, does not say).
func Columns() []Column { return mustColumns(lake.Row{}) }

// SourceColumns returns the columns that hold fields of the source records
// (the columns of cloudtrail.Event without the helpers): the columns of the
// raw JSON table.
func SourceColumns() []Column {
	var out []Column
	for _, c := range mustColumns(cloudtrail.Event{}) {
		if !c.Helper() {
			out = append(out, c)
		}
	}
	return out
}

func mustColumns(model any) []Column {
	cols, err := columnsOf(parquet.SchemaOf(model))
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return cols
}

func columnsOf(n parquet.Node) ([]Column, error) {
	var out []Column
	for _, f := range n.Fields() {
		t, err := typeOf(f)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name(), err)
		}
		out = append(out, Column{Name: f.Name(), Type: t})
	}
	return out, nil
}

func typeOf(n parquet.Node) (Type, error) {
	var lt any
	if l := n.Type().LogicalType(); l != nil {
		lt = l.Value
	}
	if !n.Leaf() {
		if _, ok := lt.(*format.ListType); ok {
			// LIST: a repeated group "list" holding the "element".
			fs := n.Fields()
			if len(fs) != 1 || len(fs[0].Fields()) != 1 {
				return Type{}, fmt.Errorf("unexpected list layout %s", n)
			}
			elem, err := typeOf(fs[0].Fields()[0])
			if err != nil {
				return Type{}, err
			}
			return Type{Kind: Array, Elem: &elem}, nil
		}
		fields, err := columnsOf(n)
		if err != nil {
			return Type{}, err
		}
		return Type{Kind: Struct, Fields: fields}, nil
	}
	switch lt.(type) {
	case *format.StringType:
		return Type{Kind: String}, nil
	case *format.TimestampType:
		return Type{Kind: Timestamp}, nil
	}
	if n.Type().Kind() == parquet.Int64 {
		return Type{Kind: BigInt}, nil
	}
	return Type{}, fmt.Errorf("no SQL type for %s", n.Type())
}
