package http

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// openAPI builds the OpenAPI 3.1 document of the route table. Schemas are reflected from the
// types of each route's example request and response, so the document cannot drift from the
// code: a route is documented by being declared.
func (s *Server) openAPI() map[string]any {
	g := &schemaGen{names: map[reflect.Type]string{}, schemas: map[string]any{}}
	paths := map[string]map[string]any{}
	tags := map[string]bool{}
	for _, rt := range s.routes {
		path, params := openAPIPath(rt.Pattern)
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.Method)] = g.operation(rt, path, params)
		tags[rt.Tag] = true
	}
	var tagList []map[string]any
	for _, t := range slices.Sorted(maps.Keys(tags)) {
		tagList = append(tagList, map[string]any{"name": t})
	}
	g.schemas["Error"] = g.schema(reflect.TypeFor[errorBody]())
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Vigil API",
			"version": "1",
			"description": "Send content for scanning against known-CSAM hash lists, manage banks, work the " +
				"review queue, and read the audit log. Authenticate with an API key (Authorization: Bearer vgl_...) " +
				"or, from the web UI, the session cookie plus the X-CSRF-Token header on writes.",
		},
		"tags":  tagList,
		"paths": paths,
		"components": map[string]any{
			"schemas": g.schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "an API key, vgl_..."},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie,
					"description": "the web UI's session; writes also need the X-CSRF-Token header"},
			},
		},
	}
}

var patternParam = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// openAPIPath turns a ServeMux pattern into an OpenAPI path and its parameter names: "{$}"
// (exact match) disappears and "{name...}" (the rest of the path) becomes "{name}".
func openAPIPath(pattern string) (string, []string) {
	path := strings.ReplaceAll(pattern, "{$}", "")
	if path == "" {
		path = "/"
	}
	var params []string
	path = patternParam.ReplaceAllStringFunc(path, func(m string) string {
		name := patternParam.FindStringSubmatch(m)[1]
		params = append(params, name)
		return "{" + name + "}"
	})
	return path, params
}

// operation describes one route.
func (g *schemaGen) operation(rt Route, path string, pathParams []string) map[string]any {
	op := map[string]any{
		"operationId": operationID(rt.Method, path),
		"summary":     rt.Summary,
		"tags":        []string{rt.Tag},
		"responses":   g.responses(rt),
	}
	if d := accessText(rt); d != "" {
		op["description"] = d
	}
	if rt.Scope != "" {
		op["x-vigil-scope"] = rt.Scope
	}
	if rt.AltScope != "" {
		op["x-vigil-alt-scope"] = rt.AltScope
	}
	var params []map[string]any
	for _, p := range pathParams {
		params = append(params, map[string]any{"name": p, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, p := range rt.Query {
		params = append(params, map[string]any{"name": p.Name, "in": "query", "required": p.Required,
			"description": p.Description, "schema": map[string]any{"type": "string"}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.Request != nil {
		op["requestBody"] = map[string]any{"required": true, "content": g.content(rt.Request, "application/json")}
	}
	switch rt.Access {
	case Public:
		op["security"] = []any{}
	case API:
		op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}}
	case Page:
		op["security"] = []any{map[string]any{"cookie": []any{}}}
	}
	return op
}

// accessText says in words who may call rt.
func accessText(rt Route) string {
	switch {
	case rt.Access == Public:
		return "No authentication."
	case rt.Audit:
		return "Needs the " + string(rt.Scope) + " scope, or the auditor role."
	case rt.AltScope != "":
		return "Needs the " + string(rt.Scope) + " or the " + string(rt.AltScope) + " scope."
	case rt.Scope != "":
		return "Needs the " + string(rt.Scope) + " scope."
	}
	return "Any signed-in user or API key."
}

// operationID is a stable name for a route: "get_v1_cases_id".
func operationID(method, path string) string {
	id := strings.ToLower(method) + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, path)
	return strings.TrimRight(strings.ReplaceAll(strings.ReplaceAll(id, "__", "_"), "__", "_"), "_")
}

// responses describes a route's success answer and its error answers.
func (g *schemaGen) responses(rt Route) map[string]any {
	ok := map[string]any{"description": "Success"}
	switch {
	case rt.Access == Page:
		ok["content"] = map[string]any{"text/html": map[string]any{"schema": map[string]any{"type": "string"}}}
	case rt.Response != nil:
		ok["content"] = g.content(rt.Response, "application/json")
	}
	errResp := map[string]any{"description": "An error: see the code and message",
		"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	return map[string]any{"200": ok, "default": errResp}
}

// content describes an example value: a string is sent as text, anything else as JSON.
func (g *schemaGen) content(example any, jsonType string) map[string]any {
	if s, ok := example.(string); ok {
		return map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}, "example": s}}
	}
	return map[string]any{jsonType: map[string]any{"schema": g.schema(reflect.TypeOf(example)), "example": example}}
}

// schemaGen reflects Go types into JSON Schemas, naming each struct type once in
// components/schemas.
type schemaGen struct {
	names   map[reflect.Type]string
	schemas map[string]any
}

var (
	timeType  = reflect.TypeFor[time.Time]()
	rawType   = reflect.TypeFor[json.RawMessage]()
	bytesType = reflect.TypeFor[[]byte]()
)

// schema returns the JSON Schema of t, as a reference for named struct types.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{}
	case bytesType:
		return map[string]any{"type": "string", "contentEncoding": "base64"}
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]()) {
		return map[string]any{} // its own encoding: any JSON value
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return g.structRef(t)
	}
	return map[string]any{}
}

// structRef names t's schema in components and returns a reference to it; anonymous structs are
// described in place.
func (g *schemaGen) structRef(t reflect.Type) map[string]any {
	if t.Name() == "" {
		return g.structSchema(t)
	}
	name, ok := g.names[t]
	if !ok {
		name = g.freeName(t)
		g.names[t] = name
		g.schemas[name] = map[string]any{} // holds the name while a recursive type refers to itself
		g.schemas[name] = g.structSchema(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// freeName returns a component name for t: its type name with a capital, qualified by its
// package when another type took the name first.
func (g *schemaGen) freeName(t reflect.Type) string {
	base := strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	name := base
	if _, taken := g.schemas[name]; taken {
		pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + base
	}
	for i := 2; ; i++ {
		if _, taken := g.schemas[name]; !taken {
			return name
		}
		name = fmt.Sprintf("%s%d", base, i)
	}
}

// structSchema describes a struct's JSON object: its exported fields under their JSON names,
// required unless omitempty or omitzero, with embedded structs' fields promoted.
func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	g.addFields(t, props, &required)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func (g *schemaGen) addFields(t reflect.Type, props map[string]any, required *[]string) {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.addFields(f.Type, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}
