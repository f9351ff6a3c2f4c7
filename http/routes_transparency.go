package http

import (
	"fmt"
	"net/http"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
)

// exampleTransparency is the OpenAPI example of a report: the JSON format's shape.
var exampleTransparency = transparency.Report{
	Year: 2026, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
	Generated: time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC),
	Volume: []transparency.Volume{{Service: "photos", ContentType: "photo", Received: 120000, NoMatch: 119950,
		Matched: 40, NotScanned: 8, Failed: 2}},
	Cases: transparency.Cases{Opened: 40, Confirmed: 36, FalsePositives: 4, Reversed: 1},
	ErrorsBySignal: []transparency.ErrorRate{{Name: "pdq", Reviewed: 40, Confirmed: 35, FalsePositives: 5,
		Rate: 0.125, Precision: 0.875}},
	ErrorsByBank: []transparency.ErrorRate{{Name: "ncmec", Reviewed: 40, Confirmed: 35, FalsePositives: 5,
		Rate: 0.125, Precision: 0.875}},
	Complaints: transparency.Complaints{Filed: 3, ByKind: []transparency.Count{{Name: "detection", Count: 2},
		{Name: "removal", Count: 1}, {Name: "account", Count: 0}}, Decided: 3, Upheld: 1, Rejected: 2,
		AverageDecisionSeconds: 86400},
	RemovalOrders: transparency.Orders{Received: 2, Executed: 2, AverageExecutionSeconds: 14400},
	Removals: []transparency.Count{{Name: "removal_order", Count: 2}, {Name: "authority", Count: 0},
		{Name: "eu_centre", Count: 0}, {Name: "third_party", Count: 0}, {Name: "own_initiative", Count: 35}},
	Restored:    1,
	Invocations: []transparency.Invocation{{Article: "14(5)", Ground: "technical", Count: 1}},
	Reports: transparency.Reports{ByDestination: []transparency.Count{{Name: "eu_centre", Count: 35}, {Name: "ncmec", Count: 35}},
		ByType: []transparency.Count{{Name: "known_csam", Count: 35}, {Name: "new_csam", Count: 0}, {Name: "solicitation", Count: 0}}},
	Retention: transparency.Retention{Policy: transparency.RetentionPolicy, Jurisdictions: []string{"eu 12 months"},
		EvidencePreserved: 35, EvidenceDeleted: 30},
	Statements: exampleStatements,
	SharedWith: []string{"EU Centre on Child Sexual Abuse", "National Center for Missing & Exploited Children (NCMEC)"},
}

// transparencyRoutes declares the transparency report API and page.
func (s *Server) transparencyRoutes() {
	s.handle(Route{Method: "GET", Pattern: "/v1/transparency", Access: API, Scope: vigil.ScopeReports, Audit: true,
		Tag: "transparency", Response: exampleTransparency,
		Summary: "The year's transparency figures (CSA Regulation Art. 83(1), Regulation 2021/1232 Art. 3(1)(h)(vii)): " +
			"volume processed, cases, false-positive rates per signal type and bank, complaints, orders, removals by " +
			"trigger, reports, retention. Checked for personal data before it is sent; every report is audited",
		Query: []Param{
			{Name: "year", Description: "the calendar year (UTC), e.g. 2026", Required: true},
			{Name: "format", Description: "json (default), csv, or html (printable)"},
		},
		Handler: s.apiTransparency})
	s.handle(Route{Method: "GET", Pattern: "/transparency", Access: Page, Scope: vigil.ScopeReports, Audit: true,
		Tag: "ui", Summary: "Transparency report: a year's figures, with CSV, JSON and printable downloads",
		Handler: s.uiTransparency})
	s.transparencySettingsRoutes()
}

// transparencyService returns the transparency service, or an unavailable error on a server
// built without one.
func (s *Server) transparencyService() (*transparency.Service, error) {
	if s.Transparency == nil {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "transparency reports are not available on this server")
	}
	return s.Transparency, nil
}

func (s *Server) apiTransparency(w http.ResponseWriter, r *http.Request) {
	svc, err := s.transparencyService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	year, err := transparency.ParseYear(q.Get("year"), s.Clock.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := transparency.ParseFormat(q.Get("format"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := svc.Render(r.Context(), year, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Cache-Control", "no-store")
	if f != transparency.JSON {
		w.Header().Set("Content-Disposition", `attachment; filename="transparency-`+q.Get("year")+"."+string(f)+`"`)
	}
	if f == transparency.HTML {
		pageHeaders(w.Header())
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}

// transparencyPage is the data of the transparency page, with the rates and mean times
// written out for people.
type transparencyPage struct {
	Year         int
	Years        []int
	Report       transparency.Report
	BySignal     []rateView
	ByBank       []rateView
	ComplaintAvg string
	OrderAvg     string
	// Settings is the provider's text, shown in a form to admins, who may change it.
	Settings transparency.Settings
	CanEdit  bool
}

// rateView is an error rate with its ratios as percentages.
type rateView struct {
	transparency.ErrorRate
	RatePercent, PrecisionPercent string
}

func rateViews(rates []transparency.ErrorRate) []rateView {
	out := make([]rateView, len(rates))
	for i, e := range rates {
		out[i] = rateView{e, fmt.Sprintf("%.2f %%", 100*e.Rate), fmt.Sprintf("%.2f %%", 100*e.Precision)}
	}
	return out
}

// seconds writes a mean time for people, to the second.
func seconds(v float64) string {
	return time.Duration(v * float64(time.Second)).Round(time.Second).String()
}

// uiTransparency shows a year's figures, the current year's so far by default.
func (s *Server) uiTransparency(w http.ResponseWriter, r *http.Request) {
	svc, err := s.transparencyService()
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	now := s.Clock.Now()
	year := now.UTC().Year()
	if v := r.URL.Query().Get("year"); v != "" {
		if year, err = transparency.ParseYear(v, now); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	rep, err := svc.Report(r.Context(), year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := transparencyPage{Year: year, Report: rep, BySignal: rateViews(rep.ErrorsBySignal), ByBank: rateViews(rep.ErrorsByBank),
		ComplaintAvg: seconds(rep.Complaints.AverageDecisionSeconds), OrderAvg: seconds(rep.RemovalOrders.AverageExecutionSeconds)}
	if p.CanEdit = vigil.ActorFrom(r.Context()).Can(vigil.ScopeAdmin); p.CanEdit {
		if p.Settings, err = svc.Settings(r.Context()); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	for y := now.UTC().Year(); y >= transparency.MinYear; y-- {
		p.Years = append(p.Years, y)
	}
	s.render(w, r, http.StatusOK, "transparency", page{Title: "Transparency report", Nav: "transparency", Notice: doneMessage(r), Data: p})
}
