package http

import (
	"cmp"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
)

// docsRoute is one route as the reference page shows it.
type docsRoute struct {
	Method, Path, Summary, Access string
	Query                         []Param
	Request, Response             string
}

// docsTag is one section of the reference page.
type docsTag struct {
	Name   string
	Routes []docsRoute
}

// docsSections groups the route table by tag, in path order, with examples as indented JSON.
func (s *Server) docsSections() []docsTag {
	byTag := map[string][]docsRoute{}
	for _, rt := range s.routes {
		path, _ := openAPIPath(rt.Pattern)
		byTag[rt.Tag] = append(byTag[rt.Tag], docsRoute{Method: rt.Method, Path: path, Summary: rt.Summary,
			Access: accessText(rt), Query: rt.Query, Request: exampleText(rt.Request), Response: exampleText(rt.Response)})
	}
	var tags []docsTag
	for name, routes := range byTag {
		slices.SortFunc(routes, func(a, b docsRoute) int { return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method)) })
		tags = append(tags, docsTag{Name: name, Routes: routes})
	}
	slices.SortFunc(tags, func(a, b docsTag) int { return cmp.Compare(a.Name, b.Name) })
	return tags
}

// exampleText shows an example value: text as is, anything else as indented JSON.
func exampleText(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}

// docs serves the API reference: one self-contained page rendered from the route table, with no
// script and nothing fetched from elsewhere.
func (s *Server) docs(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	if err := docsPage.Execute(w, s.docsSections()); err != nil {
		s.logger().Error("render /docs", "err", err)
	}
}

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2.5rem;text-transform:capitalize}
details{border:1px solid #ddd;border-radius:4px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}
code.m{display:inline-block;min-width:4.5rem;font-weight:bold}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:13px}
nav a{margin-right:1rem}
</style></head><body>
<h1>Vigil API reference</h1>
<p>Authenticate with an API key, <code>Authorization: Bearer vgl_…</code>, or from the web UI with the
session cookie plus the <code>X-CSRF-Token</code> header on writes. Errors are
<code>{"error": {"code", "message", "field"}}</code>. The machine-readable document is
<a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</p>
<nav>{{range .}}<a href="#{{.Name}}">{{.Name}}</a>{{end}}</nav>
{{range .}}<h2 id="{{.Name}}">{{.Name}}</h2>
{{range .Routes}}<details><summary><code class="m">{{.Method}}</code> <code>{{.Path}}</code> — {{.Summary}}</summary>
<p>{{.Access}}</p>
{{with .Query}}<p>Query parameters:</p><ul>{{range .}}<li><code>{{.Name}}</code>{{if .Required}} (required){{end}}: {{.Description}}</li>{{end}}</ul>{{end}}
{{with .Request}}<p>Request body:</p><pre>{{.}}</pre>{{end}}
{{with .Response}}<p>Response:</p><pre>{{.}}</pre>{{end}}
</details>
{{end}}{{end}}
</body></html>
`))
