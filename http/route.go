package http

import (
	"net/http"

	"github.com/vigilproject/vigil"
)

// Access says who may call a route.
type Access int

// The access levels.
const (
	// Public routes need no credentials: health checks, the login page, static assets.
	Public Access = iota
	// API routes take an API key (Authorization: Bearer) or a session cookie, and require Scope.
	API
	// Page routes are web UI pages: a session cookie is required, and Scope when set.
	Page
)

// Route is one entry of the route table.
type Route struct {
	Method  string // GET, POST, PUT, PATCH, DELETE
	Pattern string // net/http ServeMux pattern without the method, e.g. "/v1/cases/{id}"
	Access  Access
	Scope   vigil.Scope // required scope for API and Page routes; "" for any signed-in actor
	// AltScope, when set, admits an actor without Scope too. The service behind the route
	// narrows what such an actor sees, as orders:submit reads back only its own orders.
	AltScope vigil.Scope
	// Audit routes are readable by auditors whatever their scopes (audit log, case history).
	Audit bool

	// For the OpenAPI document: what the route does, its group, and example values of its
	// request body and response whose types describe their schemas (nil when there is none).
	Summary  string
	Tag      string
	Request  any
	Response any
	Query    []Param // query parameters

	Handler http.HandlerFunc
}

// Param is a documented query parameter.
type Param struct {
	Name        string
	Description string
	Required    bool
}

// handle adds r to the route table.
func (s *Server) handle(r Route) {
	s.routes = append(s.routes, r)
}
