package http

import (
	"net/http"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
)

// transparencySettingsJSON is the provider's text in the transparency report: the interim
// regulation's statements (IR-11 (2), (3), (7)) and the retention policy (IR-11 (8)).
type transparencySettingsJSON struct {
	GDPRGround      string `json:"gdpr_ground"`
	TransferGround  string `json:"transfer_ground"`
	ErrorMeasures   string `json:"error_limiting_measures"`
	RetentionPolicy string `json:"retention_policy"`
	UpdatedAt       string `json:"updated_at,omitempty"`
}

// exampleStatements are the OpenAPI example of the provider's statements.
var exampleStatements = transparency.Statements{
	GDPRGround:     "Art. 6(1)(e) GDPR together with Art. 1(1)(b) of Regulation (EU) 2021/1232",
	TransferGround: "Standard contractual clauses under Art. 46(2)(c) GDPR for reports to NCMEC",
	ErrorMeasures:  "Every match is confirmed by a trained reviewer before any report; complaints are decided by another reviewer",
}

func toTransparencySettingsJSON(s transparency.Settings) transparencySettingsJSON {
	return transparencySettingsJSON{GDPRGround: s.GDPRGround, TransferGround: s.TransferGround,
		ErrorMeasures: s.ErrorMeasures, RetentionPolicy: s.RetentionPolicy, UpdatedAt: apiTime(s.Updated)}
}

// transparencySettingsRoutes declares the settings API and form.
func (s *Server) transparencySettingsRoutes() {
	ex := transparencySettingsJSON{GDPRGround: exampleStatements.GDPRGround, TransferGround: exampleStatements.TransferGround,
		ErrorMeasures: exampleStatements.ErrorMeasures, RetentionPolicy: "Evidence is kept 12 months from identification.",
		UpdatedAt: "2027-01-05T10:00:00.000Z"}
	write := ex
	write.UpdatedAt = ""
	s.handle(Route{Method: "GET", Pattern: "/v1/transparency/settings", Access: API, Scope: vigil.ScopeReports, Audit: true,
		Tag: "transparency", Response: ex,
		Summary: "The provider's own text in the transparency report: the GDPR ground (IR-11 (2)), the ground for transfers " +
			"outside the EU (IR-11 (3)), the measures that limit errors (IR-11 (7)) and the retention policy (IR-11 (8); " +
			"Vigil's own statement while empty)",
		Handler: s.apiTransparencySettings})
	s.handle(Route{Method: "PUT", Pattern: "/v1/transparency/settings", Access: API, Scope: vigil.ScopeAdmin,
		Tag: "transparency", Request: write, Response: ex,
		Summary: "Replace the provider's text in the transparency report (audited). The text is published: " +
			"text holding an email address, a phone number or an IP address is refused, and the report is checked for " +
			"the year's personal data with this text in it",
		Handler: s.apiSaveTransparencySettings})
	s.handle(Route{Method: "POST", Pattern: "/transparency/settings", Access: Page, Scope: vigil.ScopeAdmin, Tag: "ui",
		Summary: "Save the provider's text in the transparency report", Handler: s.uiSaveTransparencySettings})
}

func (s *Server) apiTransparencySettings(w http.ResponseWriter, r *http.Request) {
	svc, err := s.transparencyService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := svc.Settings(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toTransparencySettingsJSON(st))
}

func (s *Server) apiSaveTransparencySettings(w http.ResponseWriter, r *http.Request) {
	svc, err := s.transparencyService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req transparencySettingsJSON
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := svc.SaveSettings(r.Context(), transparency.Settings{Statements: transparency.Statements{
		GDPRGround: req.GDPRGround, TransferGround: req.TransferGround, ErrorMeasures: req.ErrorMeasures},
		RetentionPolicy: req.RetentionPolicy})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toTransparencySettingsJSON(st))
}

func (s *Server) uiSaveTransparencySettings(w http.ResponseWriter, r *http.Request) {
	svc, err := s.transparencyService()
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	_, err = svc.SaveSettings(r.Context(), transparency.Settings{Statements: transparency.Statements{
		GDPRGround: v("gdpr_ground"), TransferGround: v("transfer_ground"), ErrorMeasures: v("error_limiting_measures")},
		RetentionPolicy: v("retention_policy")})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/transparency?done=transparency_settings")
}
