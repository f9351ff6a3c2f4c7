package http

import (
	"net/http"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/policy"
)

// servicesPage is the data of the services page.
type servicesPage struct {
	Rows  []serviceRow
	Types []vigil.ServiceType
}

// serviceRow is one service with what the policy gate would decide, under the default
// legal-basis table that `vigil serve` runs with, for an unflagged item arriving now: the
// settings mean little to an admin without it.
type serviceRow struct {
	vigil.Service
	Today vigil.GateDecision
}

// uiServices lists the services content is submitted for, with forms to change each one's type,
// jurisdiction and scanning switch, to delete it, and to add one. The content service checks the
// admin permission and audits every change.
func (s *Server) uiServices(w http.ResponseWriter, r *http.Request) {
	all, err := s.Content.Services(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := servicesPage{Types: vigil.ServiceTypes}
	now := s.Clock.Now()
	for _, svc := range all {
		p.Rows = append(p.Rows, serviceRow{Service: svc, Today: policy.Gate{}.Decide(policy.Item{Service: svc, At: now})})
	}
	s.render(w, r, http.StatusOK, "services", page{Title: "Services", Nav: "services", Notice: doneMessage(r), Data: p})
}

// serviceForm reads a service's settings from a posted form. Jurisdictions are upper-cased, so
// "eu" and "us" are accepted as typed.
func serviceForm(r *http.Request, name string) vigil.Service {
	return vigil.Service{Name: name, Type: vigil.ServiceType(r.PostFormValue("type")),
		Jurisdiction: strings.ToUpper(strings.TrimSpace(r.PostFormValue("jurisdiction"))),
		Enabled:      r.PostFormValue("enabled") == "true"}
}

// uiCreateService adds a service; a name already in use is a conflict rather than a silent
// overwrite of that service's settings.
func (s *Server) uiCreateService(w http.ResponseWriter, r *http.Request) {
	svc := serviceForm(r, strings.TrimSpace(r.PostFormValue("name")))
	if _, err := s.Content.Service(r.Context(), svc.Name); err == nil {
		s.renderError(w, r, vigil.FieldErrorf(vigil.ECONFLICT, "name", "a service named %q exists: change it in its row", svc.Name))
		return
	}
	if _, err := s.Content.SaveService(r.Context(), svc); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/services?done=created")
}

// uiUpdateService changes an existing service's type, jurisdiction and scanning switch.
func (s *Server) uiUpdateService(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.Content.Service(r.Context(), name); err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, err := s.Content.SaveService(r.Context(), serviceForm(r, name)); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/services?done=updated")
}

// uiDeleteService removes a service: its content stays, new submissions for it are refused.
func (s *Server) uiDeleteService(w http.ResponseWriter, r *http.Request) {
	if err := s.Content.DeleteService(r.Context(), r.PathValue("name")); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/services?done=deleted")
}
