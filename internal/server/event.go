package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// eventColumns are the lake's columns that cloudtrail.Rebuild reads: every
// field of cloudtrail.Event by its Parquet name, but the helper columns
// that are not part of the record.
var eventColumns = func() []string {
	var out []string
	t := reflect.TypeFor[cloudtrail.Event]()
	for i := range t.NumField() {
		name := parquetName(t.Field(i))
		switch name {
		case "", "eventtimestamp", "_object", "_fp", "_hash":
			continue
		}
		out = append(out, name)
	}
	return out
}()

// parquetName is the column name of a field's parquet tag.
func parquetName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
	return name
}

// eventRecord returns the source record of the event id, rebuilt from
// the lake: the query layer reads the event's columns (the token index
// finds the files that hold the id), they are put back into a
// cloudtrail.Event, and cloudtrail.Rebuild writes the record as the
// source had it.
func (s *Server) eventRecord(ctx context.Context, id string) ([]byte, error) {
	// First where the event is (a few columns: fast), then all of its
	// columns from there: the partition and time let DuckDB skip the row
	// groups of the file that cannot hold it.
	q, err := bindQuery("SELECT account, region, year, month, day, CAST(eventtimestamp AS varchar) FROM cloudtrail WHERE eventid = ? LIMIT 1", id)
	if err != nil {
		return nil, err
	}
	res, err := s.app.Query(ctx, sqltree.Format(q))
	if err != nil {
		return nil, err
	}
	if len(res.Rows) == 0 {
		return nil, notFound(fmt.Sprintf("no event %s in the lake", id))
	}
	at := make([]string, 6)
	for i, v := range res.Rows[0] {
		at[i], _ = v.(string)
	}
	cols := make([]string, len(eventColumns))
	for i, c := range eventColumns {
		cols[i] = quoteName(c)
	}
	where := "eventid = ? AND account = ? AND region = ? AND year = ? AND month = ? AND day = ?"
	args := append([]string{id}, at[:5]...)
	if at[5] != "" {
		where += " AND CAST(eventtimestamp AS varchar) = ?"
		args = append(args, at[5])
	}
	q, err = bindQuery("SELECT "+strings.Join(cols, ", ")+" FROM cloudtrail WHERE "+where+" LIMIT 1", args...)
	if err != nil {
		return nil, err
	}
	res, err = s.app.Query(ctx, sqltree.Format(q))
	if err != nil {
		return nil, err
	}
	if len(res.Rows) == 0 {
		return nil, notFound(fmt.Sprintf("no event %s in the lake", id))
	}
	var e cloudtrail.Event
	if err := eventFromRow(&e, res.Rows[0]); err != nil {
		return nil, fmt.Errorf("cannot rebuild event %s: %w", id, err)
	}
	return cloudtrail.Rebuild(&e), nil
}

// eventFromRow fills e from row, the values of eventColumns.
func eventFromRow(e *cloudtrail.Event, row []any) error {
	v := reflect.ValueOf(e).Elem()
	t := v.Type()
	k := 0
	for i := range t.NumField() {
		if k < len(eventColumns) && parquetName(t.Field(i)) == eventColumns[k] {
			if err := assign(v.Field(i), row[k]); err != nil {
				return fmt.Errorf("column %s: %w", eventColumns[k], err)
			}
			k++
		}
	}
	return nil
}

// assign sets dst (a *string, a pointer to a struct of such, or a slice
// of structs) from a value of a query's row or of the JSON of a nested
// value: nil leaves it nil; JSON text (a JSON column) is kept as it is.
func assign(dst reflect.Value, val any) error {
	if val == nil {
		return nil
	}
	switch {
	case dst.Type() == reflect.TypeFor[*string]():
		var s string
		switch x := val.(type) {
		case string:
			s = x
		case json.RawMessage:
			s = string(x)
		default:
			return fmt.Errorf("a %T where text was expected", val)
		}
		dst.Set(reflect.ValueOf(&s))
	case dst.Kind() == reflect.Pointer && dst.Type().Elem().Kind() == reflect.Struct:
		m, err := asMap(val)
		if err != nil {
			return err
		}
		p := reflect.New(dst.Type().Elem())
		if err := assignStruct(p.Elem(), m); err != nil {
			return err
		}
		dst.Set(p)
	case dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Struct:
		list, err := asList(val)
		if err != nil {
			return err
		}
		out := reflect.MakeSlice(dst.Type(), len(list), len(list))
		for i, item := range list {
			m, err := asMap(item)
			if err != nil {
				return err
			}
			if err := assignStruct(out.Index(i), m); err != nil {
				return err
			}
		}
		dst.Set(out)
	default:
		return fmt.Errorf("BUG: cannot set a %s", dst.Type())
	}
	return nil
}

func assignStruct(dst reflect.Value, m map[string]any) error {
	t := dst.Type()
	for i := range t.NumField() {
		name := parquetName(t.Field(i))
		if err := assign(dst.Field(i), m[name]); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func asMap(val any) (map[string]any, error) {
	switch x := val.(type) {
	case map[string]any:
		return x, nil
	case json.RawMessage:
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(x))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, err
		}
		return m, nil
	}
	return nil, fmt.Errorf("a %T where a struct was expected", val)
}

func asList(val any) ([]any, error) {
	switch x := val.(type) {
	case []any:
		return x, nil
	case json.RawMessage:
		var l []any
		dec := json.NewDecoder(bytes.NewReader(x))
		dec.UseNumber()
		if err := dec.Decode(&l); err != nil {
			return nil, err
		}
		return l, nil
	}
	return nil, fmt.Errorf("a %T where a list was expected", val)
}
