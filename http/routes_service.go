package http

import (
	"net/http"

	"github.com/vigilproject/vigil"
)

// serviceJSON is a service's settings as the API shows and takes them.
type serviceJSON struct {
	Name         string            `json:"name"`
	Type         vigil.ServiceType `json:"type"`
	Jurisdiction string            `json:"jurisdiction"`
	Enabled      *bool             `json:"enabled,omitempty"` // true when omitted
	Created      string            `json:"created_at,omitempty"`
}

type servicesResponse struct {
	Items []serviceJSON `json:"items"`
}

func toServiceJSON(s vigil.Service) serviceJSON {
	enabled := s.Enabled
	return serviceJSON{Name: s.Name, Type: s.Type, Jurisdiction: s.Jurisdiction, Enabled: &enabled, Created: apiTime(s.Created)}
}

func (in serviceJSON) service() vigil.Service {
	return vigil.Service{Name: in.Name, Type: in.Type, Jurisdiction: in.Jurisdiction, Enabled: in.Enabled == nil || *in.Enabled}
}

var exampleService = toServiceJSON(vigil.Service{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "EU", Enabled: true})

func (s *Server) serviceRoutes() {
	exampleIn := exampleService
	exampleIn.Created = ""
	s.handle(Route{Method: "GET", Pattern: "/v1/services", Access: API, Scope: vigil.ScopeAdmin, Tag: "services",
		Summary:  "List the services content is submitted for, with the settings the policy gate reads",
		Response: servicesResponse{Items: []serviceJSON{exampleService}}, Handler: s.listServices})
	s.handle(Route{Method: "POST", Pattern: "/v1/services", Access: API, Scope: vigil.ScopeAdmin, Tag: "services",
		Summary: "Configure a new service: type (hosting, interpersonal, search) and jurisdiction (EU or ISO 3166 code) " +
			"decide the legal basis for scanning its content",
		Request: exampleIn, Response: exampleService, Handler: s.createService})
	s.handle(Route{Method: "GET", Pattern: "/v1/services/{name}", Access: API, Scope: vigil.ScopeAdmin, Tag: "services",
		Summary: "Get a service's settings", Response: exampleService, Handler: s.getService})
	s.handle(Route{Method: "PUT", Pattern: "/v1/services/{name}", Access: API, Scope: vigil.ScopeAdmin, Tag: "services",
		Summary: "Create or replace a service's settings; enabled false switches scanning off",
		Request: exampleIn, Response: exampleService, Handler: s.putService})
	s.handle(Route{Method: "DELETE", Pattern: "/v1/services/{name}", Access: API, Scope: vigil.ScopeAdmin, Tag: "services",
		Summary: "Remove a service: its content stays, new submissions for it are refused", Handler: s.deleteService})
}

func (s *Server) listServices(w http.ResponseWriter, r *http.Request) {
	all, err := s.Content.Services(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := servicesResponse{Items: []serviceJSON{}}
	for _, svc := range all {
		out.Items = append(out.Items, toServiceJSON(svc))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createService(w http.ResponseWriter, r *http.Request) {
	var in serviceJSON
	if err := decodeJSON(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, err := s.Content.Service(r.Context(), in.Name); err == nil {
		s.writeError(w, r, vigil.FieldErrorf(vigil.ECONFLICT, "name", "service %q exists: PUT /v1/services/%s changes it", in.Name, in.Name))
		return
	}
	s.saveService(w, r, http.StatusCreated, in.service())
}

func (s *Server) putService(w http.ResponseWriter, r *http.Request) {
	var in serviceJSON
	if err := decodeJSON(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	name := r.PathValue("name")
	if in.Name != "" && in.Name != name {
		s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, "name", "differs from the name in the path"))
		return
	}
	in.Name = name
	s.saveService(w, r, http.StatusOK, in.service())
}

func (s *Server) saveService(w http.ResponseWriter, r *http.Request, status int, svc vigil.Service) {
	saved, err := s.Content.SaveService(r.Context(), svc)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, toServiceJSON(saved))
}

func (s *Server) getService(w http.ResponseWriter, r *http.Request) {
	svc, err := s.Content.Service(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toServiceJSON(svc))
}

func (s *Server) deleteService(w http.ResponseWriter, r *http.Request) {
	if err := s.Content.DeleteService(r.Context(), r.PathValue("name")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
