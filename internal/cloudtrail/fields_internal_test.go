package cloudtrail

import (
	"reflect"
	"strings"
	"testing"
)

// TestFieldTableRejects checks that a record model with a field without a
// record key, two fields with one key, or bad order= options is refused
// when the package starts, not decoded silently.
func TestFieldTableRejects(t *testing.T) {
	f := func(typ reflect.Type, want string) {
		t.Helper()
		defer func() {
			r := recover()
			if s, _ := r.(string); !strings.HasPrefix(s, "BUG: ") || !strings.Contains(s, want) {
				t.Errorf("newFieldTable(%s) panics with %v, want a BUG naming %q", typ, r, want)
			}
		}()
		newFieldTable(typ)
	}
	f(reflect.TypeFor[struct {
		A *string `ct:"a"`
		B *string
	}](), "B has no ct tag")
	f(reflect.TypeFor[struct {
		A *string `ct:"a"`
		B *string `ct:",json"`
	}](), "empty record key")
	f(reflect.TypeFor[struct {
		A *string `ct:"userName"`
		B *string `ct:"userName"`
	}](), "record key userName")
	f(reflect.TypeFor[struct {
		A *string `ct:"userName"`
		B *string `ct:"username"`
	}](), "differ only in case")
	f(reflect.TypeFor[struct {
		A *string `ct:"a,order=1"`
		B *string `ct:"b"`
	}](), "others not")
	f(reflect.TypeFor[struct {
		A *string `ct:"a,order=1"`
		B *string `ct:"b,order=1"`
	}](), "0..n-1")
	f(reflect.TypeFor[struct {
		A *int `ct:"a"`
	}](), "no record encoding")
	f(reflect.TypeFor[struct {
		A *string `ct:"a,text"`
	}](), "unknown option")
}
