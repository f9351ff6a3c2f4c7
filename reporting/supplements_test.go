package reporting_test

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
	"github.com/vigilproject/vigil/eucentre/eucentrefake"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
	"github.com/vigilproject/vigil/reporting"
)

// supplementStack is the stack with its worker draining supplements too.
func supplementStack(t *testing.T) *stack {
	t.Helper()
	s := newStack(t)
	s.worker.Supplements = s.store
	return s
}

// sentReport confirms, approves and sends a report to both destinations; it returns its id.
func (s *stack) sentReport(t *testing.T) string {
	t.Helper()
	id := s.confirmedReport(t)
	if err := s.worker.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := s.report(t, id).Status; st != vigil.ReportSent {
		t.Fatalf("report %s, want sent", st)
	}
	return id
}

func (s *stack) supplements(t *testing.T, id string) []vigil.ReportSupplement {
	t.Helper()
	sups, err := s.store.SupplementsOf(as(vigil.RoleLegal, "lex"), id)
	if err != nil {
		t.Fatal(err)
	}
	return sups
}

// verifySupplement checks what the fake filed against the provider's key, schema and report.
func verifySupplement(t *testing.T, s *stack, got eucentrefake.Supplement, euRef string) {
	t.Helper()
	if err := eucentre.Verify(ed25519.PublicKey(s.pub), got.Body, got.Signature); err != nil {
		t.Errorf("supplement signature: %v", err)
	}
	if _, err := eucentre.ParseSupplement(got.Body); err != nil {
		t.Errorf("supplement schema: %v", err)
	}
	if got.ReportRef != euRef || got.Document.Reference != euRef {
		t.Errorf("supplement filed against %s naming %s, want %s", got.ReportRef, got.Document.Reference, euRef)
	}
	if got.IdempotencyKey != got.Document.SupplementID {
		t.Errorf("idempotency key %q, want the supplement id %q", got.IdempotencyKey, got.Document.SupplementID)
	}
}

// RP-17: legal answers the EU Centre's request for missing information; the answer reaches
// the EU Centre signed, linked to the report's reference and to the request.
func TestSupplementAnswersRequestInfo(t *testing.T) {
	s := supplementStack(t)
	id := s.sentReport(t)
	euRef := s.eu.Reports()[0].Reference
	fb, err := s.store.Feedback(as(vigil.RoleLegal, "euc"), vigil.ReportFeedback{ReportID: id,
		Kind: vigil.FeedbackRequestInfo, Text: "When was the account opened?"})
	if err != nil {
		t.Fatal(err)
	}
	const answer = "The account was opened on 2026-09-30."
	sup, err := s.store.AddSupplement(as(vigil.RoleLegal, "lex"), vigil.ReportSupplement{ReportID: id,
		InReplyTo: fb.ID, Text: answer})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.worker.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	filed := s.eu.Supplements()
	if len(filed) != 1 {
		t.Fatalf("EU Centre got %d supplements, want 1", len(filed))
	}
	verifySupplement(t, s, filed[0], euRef)
	if d := filed[0].Document; d.InReplyTo != fb.ID || d.Text != answer || d.ReportID != id || d.SupplementID != sup.ID {
		t.Errorf("supplement %+v, want the answer to %s", d, fb.ID)
	}
	got := s.supplements(t, id)
	if len(got) != 1 || got[0].Status != vigil.SupplementSent || got[0].Reference != filed[0].Reference ||
		got[0].CreatedBy != "lex" {
		t.Errorf("stored supplements %+v, want one sent with reference %s", got, filed[0].Reference)
	}
}

// RP-09: NCMEC finishes only after the EU Centre report went without its id (the EU Centre
// waited EUCentreWait); the id then reaches the EU Centre as a supplement, once.
func TestSupplementCarriesLateNCMECReportID(t *testing.T) {
	s := supplementStack(t)
	s.ncmec.FailNext(ncmecfake.Finish, 2, 1000)
	id := s.confirmedReport(t)
	for range 3 {
		if err := s.worker.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.clock.Advance(time.Hour)
	}
	ereps, nreps := s.eu.Reports(), s.ncmec.Reports()
	if len(ereps) != 1 || len(ereps[0].Document.ThirdCountry) != 0 {
		t.Fatalf("EU Centre reports %+v, want one naming no CyberTipline report", ereps)
	}
	if len(nreps) != 1 || nreps[0].Status != ncmecfake.Finished {
		t.Fatalf("CyberTipline reports %+v, want one finished", nreps)
	}
	for range 2 { // the second pass finds nothing more to send
		if err := s.worker.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	filed := s.eu.Supplements()
	if len(filed) != 1 {
		t.Fatalf("EU Centre got %d supplements, want 1", len(filed))
	}
	verifySupplement(t, s, filed[0], ereps[0].Reference)
	nd, _ := s.report(t, id).Delivery(vigil.DestNCMEC)
	want := []eucentre.ThirdCountry{{Entity: vigil.NCMECEntity, Reference: nd.Reference}}
	if got := filed[0].Document.ThirdCountry; len(got) != 1 || got[0] != want[0] || want[0].Reference == "" {
		t.Errorf("supplement names %+v, want %+v", got, want)
	}
	if sups := s.supplements(t, id); len(sups) != 1 || sups[0].CreatedBy != "system" || sups[0].Status != vigil.SupplementSent {
		t.Errorf("stored supplements %+v, want one sent by the system", sups)
	}
}

// flakyEU points the settings at a front of the EU Centre fake that answers 503 to the next
// supplement requests: before (the fake never sees the request) or after it filed them (the
// answer is lost, as when a connection drops).
type flakyEU struct {
	failBefore, loseAnswer atomic.Int32
	requests               atomic.Int32
}

func (s *stack) flaky(t *testing.T) *flakyEU {
	t.Helper()
	f := &flakyEU{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, eucentre.SupplementsPath) {
			f.requests.Add(1)
			switch {
			case f.failBefore.Add(-1) >= 0:
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			case f.loseAnswer.Add(-1) >= 0:
				s.eu.ServeHTTP(httptest.NewRecorder(), r)
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		s.euCentre(w, r)
	}))
	t.Cleanup(srv.Close)
	settings, err := s.store.SendingSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	settings.EUCentreURL = srv.URL + eucentrefake.Path
	if _, err := s.store.SaveReportSettings(as(vigil.RoleAdmin, "adm"), settings); err != nil {
		t.Fatal(err)
	}
	return f
}

// Supplements are retried with backoff on the clock, with the supplement id as idempotency
// key: a resend after a lost answer files nothing twice; a refusal is final.
func TestSupplementRetries(t *testing.T) {
	tests := []struct {
		name       string
		failBefore int32
		loseAnswer int32
		refuse     int32
		want       vigil.SupplementStatus
		requests   int32 // supplement requests that reach the front
		filed      int   // supplements the fake filed
	}{
		{"unavailable twice", 2, 0, 0, vigil.SupplementSent, 3, 1},
		{"answer lost", 0, 1, 0, vigil.SupplementSent, 2, 1},
		{"refused", 0, 0, 1, vigil.SupplementFailed, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := supplementStack(t)
			id := s.sentReport(t)
			f := s.flaky(t)
			f.failBefore.Store(tc.failBefore)
			f.loseAnswer.Store(tc.loseAnswer)
			s.euRefusals.Store(tc.refuse)
			if _, err := s.store.AddSupplement(as(vigil.RoleLegal, "lex"), vigil.ReportSupplement{ReportID: id,
				ThirdCountry: []vigil.ThirdCountryReport{{Entity: "Hotline X", Reference: "HX-1"}}}); err != nil {
				t.Fatal(err)
			}
			for range 5 {
				if err := s.worker.Tick(context.Background()); err != nil {
					t.Fatal(err)
				}
				sups := s.supplements(t, id)
				if sups[0].Status != vigil.SupplementQueued {
					break
				}
				if !sups[0].NextTry.After(s.clock.Now()) {
					t.Fatalf("retry at %s, want after now %s (backoff)", sups[0].NextTry, s.clock.Now())
				}
				s.clock.Set(sups[0].NextTry)
			}
			sups := s.supplements(t, id)
			if sups[0].Status != tc.want || f.requests.Load() != tc.requests || len(s.eu.Supplements()) != tc.filed {
				t.Errorf("supplement %s after %d requests, fake filed %d; want %s after %d, %d filed (last error %q)",
					sups[0].Status, f.requests.Load(), len(s.eu.Supplements()), tc.want, tc.requests, tc.filed, sups[0].LastError)
			}
		})
	}
}

// The EU Centre disabled in the settings: the supplement cannot go and fails, as reports do.
func TestSupplementEUCentreDisabled(t *testing.T) {
	s := supplementStack(t)
	id := s.sentReport(t)
	if _, err := s.store.AddSupplement(as(vigil.RoleLegal, "lex"), vigil.ReportSupplement{ReportID: id, Text: "more"}); err != nil {
		t.Fatal(err)
	}
	s.worker.Connect = func(context.Context, vigil.ReportSettings) (reporting.Destinations, error) {
		return reporting.Destinations{}, nil
	}
	if err := s.worker.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	sups := s.supplements(t, id)
	if sups[0].Status != vigil.SupplementFailed || !strings.Contains(sups[0].LastError, "no longer enabled") {
		t.Errorf("supplement %s (%q), want failed: the EU Centre is disabled", sups[0].Status, sups[0].LastError)
	}
}
