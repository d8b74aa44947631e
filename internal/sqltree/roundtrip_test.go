package sqltree

import (
	"reflect"
	"testing"
)

// zeroPositions sets every Pos in the tree under v to 0, so that trees
// parsed from different texts compare equal when their structure is.
func zeroPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			zeroPositions(v.Elem())
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			zeroPositions(v.Index(i))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if f.Type() == reflect.TypeFor[Pos]() {
				f.SetInt(0)
				continue
			}
			zeroPositions(f)
		}
	}
}

// sameTree reports whether a and b have the same structure.
func sameTree(a, b Node) bool {
	zeroPositions(reflect.ValueOf(a))
	zeroPositions(reflect.ValueOf(b))
	return reflect.DeepEqual(a, b)
}

// roundTrip parses src, prints it, and checks that the print parses to
// the same tree and prints the same again. It returns the print.
func roundTrip(t *testing.T, src string) (string, error) {
	t.Helper()
	s, err := Parse(src)
	if err != nil {
		return "", err
	}
	out := Format(s)
	s2, err := Parse(out)
	if err != nil {
		t.Errorf("cannot parse the print of %q\nprint: %s\nerror: %v", src, out, err)
		return out, nil
	}
	if out2 := Format(s2); out2 != out {
		t.Errorf("print is not a fixpoint for %q\n first: %s\nsecond: %s", src, out, out2)
	}
	if !sameTree(s, s2) {
		t.Errorf("the print of %q parses to another tree\nprint: %s", src, out)
	}
	return out, nil
}
