package http

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestUIServices adds, changes and deletes services through the services page's forms, as a
// signed-in admin, and checks the page, the stored settings and the audit log after each step.
func TestUIServices(t *testing.T) {
	f := newUIFixture(t)
	b := f.browser(t)
	b.signIn("ada", f.addUser(t, "ada", vigil.RoleAdmin))
	form := b.formBuilder()
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string // on the page answered or redirected to
		audit  string // the action audited, if any
		stored *vigil.Service
	}{
		{"empty list", "/services", nil, 200, "No services yet", "", nil},
		{"add", "/services", form("name", "photos", "type", "hosting", "jurisdiction", "eu", "enabled", "true"), 303,
			"Regulation (EU) 2022/2065", "service.create",
			&vigil.Service{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "EU", Enabled: true}},
		{"add again", "/services", form("name", "photos", "type", "search", "jurisdiction", "US", "enabled", "true"), 409,
			"exists", "", &vigil.Service{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "EU", Enabled: true}},
		{"bad name", "/services", form("name", "Photos!", "type", "hosting", "jurisdiction", "EU"), 400, "name", "", nil},
		{"bad type", "/services", form("name", "chat", "type", "mail", "jurisdiction", "EU"), 400, "type", "", nil},
		{"bad jurisdiction", "/services", form("name", "chat", "type", "interpersonal", "jurisdiction", "Europe"), 400, "jurisdiction", "", nil},
		{"switch off", "/services/photos", form("type", "hosting", "jurisdiction", "EU"), 303,
			"scanning is switched off", "service.update",
			&vigil.Service{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "EU"}},
		{"change type and jurisdiction", "/services/photos", form("type", "interpersonal", "jurisdiction", "US", "enabled", "true"), 303,
			"18 U.S.C. 2258A", "service.update",
			&vigil.Service{Name: "photos", Type: vigil.ServiceInterpersonal, Jurisdiction: "US", Enabled: true}},
		{"no legal basis", "/services/photos", form("type", "hosting", "jurisdiction", "JP", "enabled", "true"), 303,
			"no legal basis for voluntary detection on hosting services in JP", "service.update",
			&vigil.Service{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "JP", Enabled: true}},
		{"change a missing one", "/services/nope", form("type", "hosting", "jurisdiction", "EU"), 404, "nope", "", nil},
		{"delete", "/services/photos/delete", form(), 303, "No services yet", "service.delete", nil},
		{"delete a missing one", "/services/photos/delete", form(), 404, "photos", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.countAudit(t, tt.audit)
			var resp *http.Response
			var body string
			if tt.form == nil {
				resp, body = b.get(tt.path)
			} else {
				resp, body = b.post(tt.path, tt.form)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if resp.StatusCode == http.StatusSeeOther {
				_, body = b.get(resp.Header.Get("Location"))
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
			if tt.audit != "" {
				if n := f.countAudit(t, tt.audit) - before; n != 1 {
					t.Errorf("%d %s events, want 1", n, tt.audit)
				}
			}
			if tt.stored == nil {
				return
			}
			got, err := f.srv.Content.Service(f.system(), tt.stored.Name)
			got.Created = tt.stored.Created
			if err != nil || got != *tt.stored {
				t.Errorf("stored %+v, %v; want %+v", got, err, *tt.stored)
			}
		})
	}
}

func TestUIServicesNeedAdmin(t *testing.T) {
	f := newUIFixture(t)
	b := f.browser(t)
	b.signIn("rita", f.addUser(t, "rita", vigil.RoleReviewer))
	if resp, _ := b.get("/services"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer GET /services: %d, want 403", resp.StatusCode)
	}
	if _, page := b.get("/"); strings.Contains(page, `href="/services"`) {
		t.Error("the navigation shows Services to a reviewer")
	}
}
