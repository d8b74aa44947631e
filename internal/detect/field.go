package detect

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// A Sigma field is a path of record keys (userIdentity.sessionContext.
// sessionIssuer.userName); the lake keeps a record as columns (Athena's
// DDL: useridentity.sessioncontext.sessionissuer.username), JSON text
// (requestparameters, ...), a list of structs (resources) and, for the
// top-level keys without a column, the JSON object _extra. The schema
// below is read from the ct and parquet tags of cloudtrail.Event, the one
// mapping between keys and columns.

// nodeKind is what a key of the record is in the lake.
type nodeKind int

const (
	nodeScalar nodeKind = iota // a VARCHAR column holding a string or boolean
	nodeJSON                   // a VARCHAR column holding JSON text
	nodeStruct                 // a struct column: an object
	nodeList                   // a list of structs: an array of objects
)

// schemaNode is one key of the record model.
type schemaNode struct {
	column string
	kind   nodeKind
	// sub are the keys of a struct, or of a list's elements, by lower-case
	// key.
	sub map[string]*schemaNode
}

// recordSchema is the record model's top-level keys.
var recordSchema = schemaOf(reflect.TypeFor[cloudtrail.Event]())

func schemaOf(t reflect.Type) map[string]*schemaNode {
	out := map[string]*schemaNode{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		ct, pq := f.Tag.Get("ct"), f.Tag.Get("parquet")
		if ct == "" || ct == "-" || pq == "" || pq == "-" {
			continue
		}
		ctOpts := strings.Split(ct, ",")
		n := &schemaNode{column: strings.Split(pq, ",")[0]}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Slice:
			n.kind, n.sub = nodeList, schemaOf(ft.Elem())
		case ft.Kind() == reflect.Struct:
			n.kind, n.sub = nodeStruct, schemaOf(ft)
		case hasOpt(ctOpts, "json") || hasOpt(ctOpts, "object"):
			n.kind = nodeJSON
		default:
			n.kind = nodeScalar
		}
		out[strings.ToLower(ctOpts[0])] = n
	}
	return out
}

func hasOpt(opts []string, o string) bool {
	for _, x := range opts[1:] {
		if x == o {
			return true
		}
	}
	return false
}

// fieldValues is a field of the record in SQL, as package sigma's Lookup
// sees it: the values found at the path (arrays fanned out) and whether
// the last key was found.
type fieldValues struct {
	// scalar is the one value (VARCHAR, NULL when absent or null), for a
	// scalar column; nil otherwise.
	scalar sqltree.Expr
	// list is an ARRAY(VARCHAR) of the values' text (NULL for a JSON
	// null), for a path into JSON or through a list.
	list sqltree.Expr
	// strings is, for a JSON path, the ARRAY(VARCHAR) of the values that
	// are JSON strings (the cidr modifier tests strings only).
	strings sqltree.Expr
	// isNull is the condition of the null value: no value, or a null one.
	isNull sqltree.Expr
	// found is the condition of the exists modifier: the last key is
	// present, whatever its value.
	found sqltree.Expr
	// object is set when the path ends at a struct: an object, which no
	// pattern compares with.
	object bool
}

// resolve maps a Sigma field path onto the lake's columns.
func resolve(path []string) (fieldValues, error) {
	if len(path) == 0 {
		return fieldValues{}, fmt.Errorf("empty field name")
	}
	for _, p := range path {
		if p == "" {
			return fieldValues{}, fmt.Errorf("field %q has an empty key", strings.Join(path, "."))
		}
	}
	nodes := recordSchema
	var cols []string
	for i, key := range path {
		n, ok := nodes[strings.ToLower(key)]
		if !ok {
			if i == 0 {
				// A top-level key without a column of its own: in _extra.
				return jsonField(col("_extra"), path), nil
			}
			// A key the record model does not have below a known
			// object: absent (records with such keys keep them in
			// _raw, which is not searched).
			return fieldValues{list: tmpl("CAST(ARRAY[] AS ARRAY(VARCHAR))"), strings: tmpl("CAST(ARRAY[] AS ARRAY(VARCHAR))"), isNull: boolean(true), found: boolean(false)}, nil
		}
		cols = append(cols, n.column)
		rest := path[i+1:]
		switch n.kind {
		case nodeJSON:
			if len(rest) == 0 {
				fv := jsonField(col(cols...), nil)
				return fv, nil
			}
			return jsonField(col(cols...), rest), nil
		case nodeList:
			return listField(col(cols...), n, rest)
		case nodeStruct:
			if len(rest) == 0 {
				c := col(cols...)
				return fieldValues{object: true, isNull: &sqltree.IsNull{X: c}, found: &sqltree.IsNull{X: c, Not: true}}, nil
			}
			nodes = n.sub
		case nodeScalar:
			if len(rest) > 0 {
				// A key below a string: nothing there.
				return fieldValues{list: tmpl("CAST(ARRAY[] AS ARRAY(VARCHAR))"), strings: tmpl("CAST(ARRAY[] AS ARRAY(VARCHAR))"), isNull: boolean(true), found: boolean(false)}, nil
			}
			c := col(cols...)
			found := sqltree.Expr(&sqltree.IsNull{X: c, Not: true})
			if i == 0 {
				// A top-level key that was null in the source is listed
				// in _nulls: present, with a null value.
				found = or(found, tmpl("coalesce(contains(split(_nulls, ','), _1), false)", str(path[0])))
			}
			return fieldValues{scalar: c, isNull: &sqltree.IsNull{X: c}, found: found}, nil
		}
	}
	panic("BUG: detect: resolve fell through")
}

// listField is a path through a list of structs (resources.ARN): the
// values of the field in every element.
func listField(list sqltree.Expr, n *schemaNode, rest []string) (fieldValues, error) {
	if len(rest) != 1 {
		if len(rest) == 0 {
			return fieldValues{object: true, isNull: tmpl("coalesce(cardinality(_1) = 0, true)", list), found: &sqltree.IsNull{X: list, Not: true}}, nil
		}
		return fieldValues{}, fmt.Errorf("field path below %s goes deeper than its elements' keys", n.column)
	}
	sub, ok := n.sub[strings.ToLower(rest[0])]
	if !ok || sub.kind != nodeScalar {
		return fieldValues{list: tmpl("CAST(ARRAY[] AS ARRAY(VARCHAR))"), strings: tmpl("CAST(ARRAY[] AS ARRAY(VARCHAR))"), isNull: boolean(true), found: boolean(false)}, nil
	}
	vals := tmpl("coalesce(filter(transform(_1, _2), x -> x IS NOT NULL), CAST(ARRAY[] AS ARRAY(VARCHAR)))", list, elemField(sub.column))
	return fieldValues{
		list:    vals,
		strings: vals,
		isNull:  tmpl("cardinality(_1) = 0", vals),
		found:   tmpl("coalesce(cardinality(_1) > 0, false)", vals),
	}, nil
}

// jsonField is a path into a column of JSON text, followed as Lookup
// does: keys compared case-insensitively, arrays met on the way fanned
// out, an array at the end flattened (one level of nesting at each key).
func jsonField(text sqltree.Expr, keys []string) fieldValues {
	// level is the JSON values reached so far, arrays expanded.
	level := tmpl("ARRAY[json_parse(_1)]", text)
	var last sqltree.Expr // the values of the last key, before expansion
	if len(keys) == 0 {
		last = tmpl("filter(_1, v -> v IS NOT NULL)", level)
	}
	for _, k := range keys {
		last = tmpl("flatten(transform(_1, v -> coalesce(flatten(transform(ARRAY[TRY_CAST(v AS MAP(VARCHAR, JSON))], m -> transform(filter(map_keys(m), q -> lower(q) = _2), q -> element_at(m, q)))), CAST(ARRAY[] AS ARRAY(JSON)))))", level, str(strings.ToLower(k)))
		level = tmpl("flatten(transform(_1, c -> coalesce(TRY_CAST(c AS ARRAY(JSON)), ARRAY[c])))", last)
	}
	leaves := level
	return fieldValues{
		list:    tmpl("transform(_1, v -> coalesce(json_extract_scalar(v, '$'), nullif(json_format(v), 'null')))", leaves),
		strings: tmpl("transform(filter(_1, v -> json_format(v) LIKE '\"%'), v -> json_extract_scalar(v, '$'))", leaves),
		isNull:  tmpl("coalesce(cardinality(_1) = 0 OR cardinality(filter(_1, v -> json_format(v) = 'null')) > 0, true)", leaves),
		found:   tmpl("coalesce(cardinality(_1) > 0, false)", last),
	}
}

// jsonTokenPattern finds the scalars of JSON text in order: strings (with
// a following colon when they are keys), numbers as written, true and
// false. Strings are matched whole, so that nothing inside a string is
// read as a number.
const jsonTokenPattern = `"(?:[^"\\]|\\.)*"\s*:?|-?[0-9][0-9.eE+-]*|true|false`

// jsonScalars is the ARRAY(VARCHAR) of every scalar value in the JSON
// text, at any depth (sigma.Scalars): strings unescaped, numbers as
// written, booleans; not keys, not null.
func jsonScalars(text sqltree.Expr) sqltree.Expr {
	return tmpl(`coalesce(transform(filter(regexp_extract_all(_1, _2), t -> NOT (t LIKE '%:')), t -> CASE WHEN t LIKE '"%' THEN json_extract_scalar(t, '$') ELSE t END), CAST(ARRAY[] AS ARRAY(VARCHAR)))`,
		text, str(jsonTokenPattern))
}

// recordScalars is the ARRAY(VARCHAR) of every scalar value of the record
// (for keyword searches): the string columns, the fields of resources,
// and the scalars of the JSON text columns and of _extra.
func recordScalars() sqltree.Expr {
	var scalars []sqltree.Expr
	var lists []sqltree.Expr
	var walk func(nodes map[string]*schemaNode, path []string)
	walk = func(nodes map[string]*schemaNode, path []string) {
		keys := make([]string, 0, len(nodes))
		for k := range nodes {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			n := nodes[k]
			at := append(path[:len(path):len(path)], n.column)
			switch n.kind {
			case nodeScalar:
				scalars = append(scalars, col(at...))
			case nodeJSON:
				lists = append(lists, jsonScalars(col(at...)))
			case nodeStruct:
				walk(n.sub, at)
			case nodeList:
				for _, sk := range slices.Sorted(maps.Keys(n.sub)) {
					if sub := n.sub[sk]; sub.kind == nodeScalar {
						lists = append(lists, tmpl("coalesce(transform(_1, _2), CAST(ARRAY[] AS ARRAY(VARCHAR)))", col(at...), elemField(sub.column)))
					}
				}
			}
		}
	}
	walk(recordSchema, nil)
	lists = append(lists, jsonScalars(col("_extra")))
	all := append([]sqltree.Expr{&sqltree.ArrayExpr{Elems: scalars}}, lists...)
	return tmpl("filter(_1, v -> v IS NOT NULL)", call("concat", all...))
}

// elemField is the lambda r -> r.<field> over a list's struct elements.
func elemField(field string) sqltree.Expr {
	return lambda("r", &sqltree.Dereference{X: ident("r"), Field: &sqltree.Ident{Name: field}})
}
