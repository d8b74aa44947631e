package server

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/query"
)

// TestOpenAPIRoutes checks that openapi.json describes every route the
// server registers, and nothing else, and that its references resolve.
func TestOpenAPIRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	var described, registered []string
	for p, ops := range doc.Paths {
		for m := range ops {
			described = append(described, strings.ToUpper(m)+" "+p)
		}
	}
	s := &Server{}
	for _, rt := range s.apiRoutes() {
		registered = append(registered, rt.method+" "+rt.pattern)
	}
	sort.Strings(described)
	sort.Strings(registered)
	if strings.Join(described, "\n") != strings.Join(registered, "\n") {
		t.Errorf("openapi.json describes\n  %s\nthe server registers\n  %s", strings.Join(described, "\n  "), strings.Join(registered, "\n  "))
	}
	// Every $ref names a component that exists.
	var all map[string]any
	json.Unmarshal(openAPI, &all)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
				var cur any = all
				for _, p := range parts {
					m, _ := cur.(map[string]any)
					cur = m[p]
				}
				if cur == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(all)
}

// TestOpenAPIServed checks that the document is served as it is embedded.
func TestOpenAPIServed(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	r := s.do("GET", "/api/openapi.json", nil, nil)
	if r.status != 200 || string(r.body) != string(openAPI) || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("%d %q", r.status, r.header.Get("Content-Type"))
	}
}
