package http

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/transparency"
)

// newRiskPlatform is the platform fixture with the transparency report and the risk register
// wired as "vigil serve" wires them, and the hosting service "photos".
func newRiskPlatform(t *testing.T) *platform {
	t.Helper()
	f := newPlatform(t)
	f.srv.Transparency = &transparency.Service{Store: sqlite.NewTransparencyStore(f.db), Clock: f.clock}
	f.srv.Risks = sqlite.NewRiskStore(f.db)
	_, err := sqlite.NewContentStore(f.db).SaveService(systemCtx, vigil.Service{Name: "photos", Type: vigil.ServiceHosting,
		Jurisdiction: "EU", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTransparencyAPI: the report of a year in each format for the reports scope and for
// auditors (TR-06), and clear errors for a bad year or format.
func TestTransparencyAPI(t *testing.T) {
	f := newRiskPlatform(t)
	key := f.key(t, vigil.ScopeReports)
	audCookie, _ := f.session(t, vigil.RoleAuditor)
	for _, tc := range []struct {
		name, query, cookie string
		status              int
		contentType, field  string
	}{
		{"json", "year=2026", "", http.StatusOK, "application/json", ""},
		{"csv", "year=2026&format=csv", "", http.StatusOK, "text/csv; charset=utf-8", ""},
		{"html", "year=2026&format=html", "", http.StatusOK, "text/html; charset=utf-8", ""},
		{"auditor", "year=2025", audCookie, http.StatusOK, "application/json", ""},
		{"no year", "", "", http.StatusBadRequest, "", "year"},
		{"future year", "year=2027", "", http.StatusBadRequest, "", "year"},
		{"unknown format", "year=2026&format=pdf", "", http.StatusBadRequest, "", "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request{method: "GET", path: "/v1/transparency?" + tc.query, key: key}
			if tc.cookie != "" {
				req.key, req.cookie = "", tc.cookie
			}
			resp, body := f.do(t, req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.field != "" {
				var e errorBody
				json.Unmarshal([]byte(body), &e)
				if e.Error.Field != tc.field {
					t.Errorf("error %+v, want one about %s", e.Error, tc.field)
				}
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if tc.contentType == "application/json" {
				var rep transparency.Report
				if err := json.Unmarshal([]byte(body), &rep); err != nil || rep.Year == 0 || len(rep.Removals) != 5 {
					t.Errorf("report %+v, %v", rep, err)
				}
			}
		})
	}
}

// TestRiskAPI walks an assessment through the API: RA-03's items are required, RM-01 and
// RM-02 hold, RA-08 stops finalising without the residual risk, and the schedule shows it.
func TestRiskAPI(t *testing.T) {
	f := newRiskPlatform(t)
	key := f.key(t, vigil.ScopeReports)
	call := func(t *testing.T, method, path string, body any, want int) string {
		t.Helper()
		raw, _ := json.Marshal(body)
		if body == nil {
			raw = nil
		}
		resp, out := f.do(t, request{method: method, path: path, key: key, body: string(raw)})
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, out)
		}
		return out
	}
	draft := exampleAssessmentRequest
	draft.Residual = ""
	missing := draft
	missing.FlaggingTools = ""
	call(t, "POST", "/v1/risk/assessments", missing, http.StatusBadRequest)
	var a assessmentJSON
	json.Unmarshal([]byte(call(t, "POST", "/v1/risk/assessments", draft, http.StatusCreated)), &a)
	base := "/v1/risk/assessments/" + a.ID
	noRationale := exampleMitigation
	noRationale.Rationale.Users = ""
	call(t, "POST", base+"/mitigations", noRationale, http.StatusBadRequest)
	var m mitigationJSON
	json.Unmarshal([]byte(call(t, "POST", base+"/mitigations", exampleMitigation, http.StatusCreated)), &m)
	call(t, "POST", base+"/risks", riskJSON{Title: "alone", Severity: vigil.LevelLow}, http.StatusBadRequest)
	call(t, "POST", base+"/risks", riskJSON{Title: "sharing", Severity: vigil.LevelHigh, Mitigations: []string{m.ID}}, http.StatusCreated)
	call(t, "POST", base+"/finalise", nil, http.StatusBadRequest)
	call(t, "PUT", base, exampleAssessmentRequest, http.StatusOK)
	var final assessmentJSON
	json.Unmarshal([]byte(call(t, "POST", base+"/finalise", nil, http.StatusOK)), &final)
	if final.Status != vigil.AssessmentFinal || len(final.Risks) != 1 || final.Risks[0].Mitigations[0] != m.ID {
		t.Errorf("finalised %+v", final)
	}
	call(t, "PUT", base, exampleAssessmentRequest, http.StatusConflict)
	call(t, "POST", "/v1/risk/mitigations/"+m.ID+"/status", mitigationStatusRequest{Status: vigil.MitigationReviewed}, http.StatusOK)
	call(t, "POST", "/v1/risk/mitigations/"+m.ID+"/status", mitigationStatusRequest{Status: "paused"}, http.StatusBadRequest)
	call(t, "PUT", "/v1/risk/schedule/photos", scheduleRequest{CADue: "2027-06-30"}, http.StatusBadRequest)
	call(t, "PUT", "/v1/risk/schedule/photos", scheduleRequest{CADue: "2027-06-30", CAReference: "CA-17"}, http.StatusOK)
	var schedules schedulesResponse
	json.Unmarshal([]byte(call(t, "GET", "/v1/risk/schedule", nil, http.StatusOK)), &schedules)
	if len(schedules.Items) != 1 || schedules.Items[0].Due != "2027-06-30T00:00:00.000Z" || schedules.Items[0].Missing ||
		schedules.Items[0].LastID != a.ID || schedules.Items[0].State != "ok" {
		t.Errorf("schedule %+v", schedules.Items)
	}
}

var assessmentLink = regexp.MustCompile(`/risk/assessments/(ras_[0-9A-Z]+)`)

// TestRiskAndTransparencyPages: a legal officer starts an assessment from the register page,
// sees it, and reads the transparency page; the pages show overdue services.
func TestRiskAndTransparencyPages(t *testing.T) {
	f := newRiskPlatform(t)
	f.clock.Advance(100 * 24 * time.Hour) // past launch + 3 months: the first assessment is overdue
	cookie, csrf := f.session(t, vigil.RoleLegal)
	get := func(path string) string {
		t.Helper()
		resp, body := f.do(t, request{method: "GET", path: path, cookie: cookie})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d: %s", path, resp.StatusCode, body)
		}
		return body
	}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		form.Set("csrf_token", csrf)
		resp, _ := f.do(t, request{method: "POST", path: path, cookie: cookie, body: form.Encode(),
			contentType: "application/x-www-form-urlencoded"})
		return resp
	}
	if body := get("/risk"); !strings.Contains(body, "overdue") || !strings.Contains(body, "schedule-photos") {
		t.Errorf("the register page does not show photos overdue:\n%s", body)
	}
	resp := post("/risk/assessments", url.Values{"service": {"photos"}, "terms_prohibition": {"no CSAM"},
		"enforcement": {"matching"}, "age_verification": {"none"}, "flagging_tools": {"report button"}})
	m := assessmentLink.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	body := get("/risk/assessments/" + m[1])
	for _, want := range []string{"Risk assessment of photos", "report button", "Not yet: residual_risk"} {
		if !strings.Contains(body, want) {
			t.Errorf("the assessment page lacks %q", want)
		}
	}
	resp = post("/risk/assessments/"+m[1]+"/mitigations", url.Values{"kind": {"moderation"}, "description": {"d"},
		"public_text": {"p"}, "severity": {"high"}, "capacity": {"4 people"}, "users": {"1 million"}, "status": {"introduced"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("add mitigation: %d", resp.StatusCode)
	}
	if body := get("/risk/assessments/" + m[1]); !strings.Contains(body, "Add risk") || !strings.Contains(body, "capacity: 4 people") {
		t.Errorf("the assessment page lacks the measure and the risk form:\n%s", body)
	}
	if body := get("/transparency?year=2027"); !strings.Contains(body, "Transparency report 2027") ||
		!strings.Contains(body, "format=csv") {
		t.Errorf("the transparency page:\n%s", body)
	}
}

// figuresStore is a transparency.Store with one record of each kind in 2026.
type figuresStore struct{}

var mid2026 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func (figuresStore) Content(context.Context, transparency.Period) ([]transparency.ContentCount, error) {
	return []transparency.ContentCount{{Service: "photos", ContentType: "photo", Status: "no_match", Items: 41}}, nil
}
func (figuresStore) CasesOpened(context.Context, transparency.Period) (int64, error) { return 3, nil }
func (figuresStore) Reviews(context.Context, transparency.Period) ([]transparency.Review, error) {
	return []transparency.Review{{Ended: mid2026, Confirmed: true, SignalTypes: []string{"pdq"}, Banks: []string{"iwf-list"}}}, nil
}
func (figuresStore) Complaints(context.Context, transparency.Period) ([]transparency.Complaint, error) {
	return []transparency.Complaint{{Kind: "removal", Filed: mid2026, Decided: mid2026.Add(time.Hour), Outcome: "upheld"}}, nil
}
func (figuresStore) Orders(context.Context, transparency.Period) ([]transparency.Order, error) {
	return []transparency.Order{{Kind: "removal", Received: mid2026, Executed: mid2026.Add(2 * time.Hour)}}, nil
}
func (figuresStore) Pauses(context.Context, transparency.Period) ([]transparency.Pause, error) {
	return []transparency.Pause{{Kind: "removal", Ground: "technical", Paused: mid2026}}, nil
}
func (figuresStore) Actions(context.Context, transparency.Period) ([]transparency.Action, error) {
	return []transparency.Action{{Kind: "remove", Trigger: "eu_centre", Done: mid2026}}, nil
}
func (figuresStore) Reports(context.Context, transparency.Period) ([]transparency.SentReport, error) {
	return []transparency.SentReport{{Type: "known_csam", Deliveries: []transparency.Delivery{{Destination: "ncmec", Done: mid2026}}}}, nil
}
func (figuresStore) Evidence(context.Context, transparency.Period) ([]transparency.Evidence, error) {
	return []transparency.Evidence{{Policy: "eu 12 months", Preserved: mid2026}}, nil
}
func (figuresStore) PersonalData(context.Context, transparency.Period) ([]string, error) {
	return nil, nil
}
func (figuresStore) RecordReport(context.Context, int, string) error { return nil }

// TestTransparencyPageShowsFigures renders the page with a figure in every section.
func TestTransparencyPageShowsFigures(t *testing.T) {
	f := newRiskPlatform(t)
	f.srv.Transparency = &transparency.Service{Store: figuresStore{}, Clock: f.clock}
	cookie, _ := f.session(t, vigil.RoleAuditor)
	resp, body := f.do(t, request{method: "GET", path: "/transparency?year=2026", cookie: cookie})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d: %s", resp.StatusCode, body)
	}
	for _, want := range []string{"<td>photos</td><td>photo</td><td>41</td>", "<td>iwf-list</td><td>1</td><td>1</td><td>0</td><td>0.00 %</td><td>100.00 %</td>",
		"average time to decide 1h0m0s", "execute 2h0m0s", "<td>Art. 14(5)</td><td>technical</td><td>1</td>",
		"<td>eu_centre</td><td>1</td>", "ncmec 1", "eu 12 months", "National Center for Missing &amp; Exploited Children"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
