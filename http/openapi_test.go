package http

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestOpenAPIDocumentsEveryRoute checks that every route of the table is an operation of the
// document, with a summary, a tag and the right security, and that every schema reference
// resolves.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	f := newPlatform(t)
	resp, body := f.do(t, request{method: "GET", path: "/v1/openapi.json"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]openAPIOpProbe `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	for _, rt := range f.srv.Routes() {
		t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
			path, params := openAPIPath(rt.Pattern)
			op, ok := doc.Paths[path][strings.ToLower(rt.Method)]
			switch {
			case !ok:
				t.Fatalf("not in the document (looked for %s %s)", rt.Method, path)
			case op.Summary == "" || len(op.Tags) != 1 || op.Tags[0] == "":
				t.Errorf("summary %q tags %q: want both", op.Summary, op.Tags)
			case (rt.Access == Public) != (len(op.Security) == 0):
				t.Errorf("security %v for access %v", op.Security, rt.Access)
			case len(op.Parameters) < len(params):
				t.Errorf("%d parameters, want the %d of the path at least", len(op.Parameters), len(params))
			}
		})
	}
	refs := schemaRefs(body)
	if len(refs) == 0 {
		t.Fatal("no schema references: the request and response schemas are missing")
	}
	for _, ref := range refs {
		if _, ok := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]; !ok {
			t.Errorf("reference %s does not resolve", ref)
		}
	}
}

// openAPIOpProbe is the part of an operation the test reads.
type openAPIOpProbe struct {
	Summary    string            `json:"summary"`
	Tags       []string          `json:"tags"`
	Security   []json.RawMessage `json:"security"`
	Parameters []json.RawMessage `json:"parameters"`
}

// schemaRefs returns every "$ref" value in the JSON text doc.
func schemaRefs(doc string) []string {
	var refs []string
	for _, part := range strings.Split(doc, `"$ref": "`)[1:] {
		refs = append(refs, part[:strings.IndexByte(part, '"')])
	}
	return refs
}

func TestOpenAPISchemas(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type outer struct {
		Name  string            `json:"name"`
		Opt   string            `json:"opt,omitempty"`
		Items []inner           `json:"items"`
		Meta  map[string]string `json:"meta"`
		Skip  string            `json:"-"`
		Self  *outer            `json:"self,omitempty"`
	}
	g := &schemaGen{names: map[reflect.Type]string{}, schemas: map[string]any{}}
	got, _ := json.Marshal(g.schema(reflect.TypeFor[outer]()))
	if string(got) != `{"$ref":"#/components/schemas/Outer"}` {
		t.Fatalf("schema %s", got)
	}
	full, _ := json.Marshal(g.schemas["Outer"])
	for _, want := range []string{
		`"name":{"type":"string"}`, `"items":{"items":{"$ref":"#/components/schemas/Inner"},"type":"array"}`,
		`"meta":{"additionalProperties":{"type":"string"},"type":"object"}`, `"self":{"$ref":"#/components/schemas/Outer"}`,
		`"required":["name","items","meta"]`,
	} {
		if !strings.Contains(string(full), want) {
			t.Errorf("Outer %s lacks %s", full, want)
		}
	}
	if strings.Contains(string(full), "Skip") {
		t.Errorf("Outer %s documents a json:\"-\" field", full)
	}
}

func TestDocsPageListsEveryRoute(t *testing.T) {
	f := newPlatform(t)
	resp, body := f.do(t, request{method: "GET", path: "/docs"})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, rt := range f.srv.Routes() {
		path, _ := openAPIPath(rt.Pattern)
		if !strings.Contains(body, "<code>"+path+"</code>") {
			t.Errorf("/docs lacks %s", path)
		}
	}
}
