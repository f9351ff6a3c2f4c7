package reporting_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
	"github.com/vigilproject/vigil/eucentre/eucentrefake"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
	"github.com/vigilproject/vigil/reporting"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

var t0 = time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)

func as(role vigil.Role, id string) context.Context {
	return vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: id, Name: id,
		Role: role, Scopes: vigil.ScopesOf(role)})
}

// testImage is a PNG the test draws: a benign gradient.
func testImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			img.SetGray(x, y, color.Gray{Y: uint8(x*8 + y)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// stack is a database, both fakes on 127.0.0.1 and a worker on the real destinations.
type stack struct {
	db     *sqlite.DB
	clock  *fakeclock.Clock
	store  *sqlite.ReportStore
	worker *reporting.Worker
	ncmec  *ncmecfake.Server
	eu     *eucentrefake.Server
	pub    []byte
	media  []byte
	// euRefusals is how many of the next EU Centre requests are refused with a 400, as the EU
	// Centre refuses a document it will never accept.
	euRefusals atomic.Int32
}

// euCentre is the EU Centre fake behind the refusals the test asks for.
func (s *stack) euCentre(w http.ResponseWriter, r *http.Request) {
	if s.euRefusals.Add(-1) >= 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"code":"invalid","message":"refused by the test"}}`)
		return
	}
	s.eu.ServeHTTP(w, r)
}

func newStack(t *testing.T) *stack {
	t.Helper()
	ctx := context.Background()
	s := &stack{clock: fakeclock.New(t0), media: testImage(t)}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vigil.db"), s.clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s.db, s.store = db, sqlite.NewReportStore(db)
	pub, err := s.store.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := s.store.SigningPrivateKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.pub = pub
	s.ncmec, s.eu = ncmecfake.New("esp-user", "esp-pass", s.clock), eucentrefake.New(pub)
	nsrv, esrv := httptest.NewServer(s.ncmec), httptest.NewServer(http.HandlerFunc(s.euCentre))
	t.Cleanup(nsrv.Close)
	t.Cleanup(esrv.Close)
	_, err = s.store.SaveReportSettings(as(vigil.RoleAdmin, "adm"), vigil.ReportSettings{
		Provider: vigil.ReportProvider{Name: "Example Photos BV", ContactPoint: "spoc@example.test",
			ReporterEmail: "legal@example.test"},
		LegalBasis: sqlite.DefaultLegalBasis, EUCentre: true, NCMEC: true,
		EUCentreURL: esrv.URL + eucentrefake.Path, NCMECURL: nsrv.URL, NCMECUser: "esp-user", NCMECPassword: "esp-pass",
	})
	if err != nil {
		t.Fatal(err)
	}
	s.worker = &reporting.Worker{Store: s.store, Media: sqlite.NewEvidenceStore(db), Clock: s.clock,
		Connect: reporting.Connector(priv, nil), Jitter: func() float64 { return 0 }}
	return s
}

// confirmedReport stores an upload, opens its case with the media, has a reviewer view and
// confirm it, and has legal approve the drafted report; it returns the report id.
func (s *stack) confirmedReport(t *testing.T) string {
	t.Helper()
	ctx := as(vigil.RoleAdmin, "adm")
	md5sum, sha1sum, sha256sum := md5.Sum(s.media), sha1.Sum(s.media), sha256.Sum256(s.media)
	meta, _ := json.Marshal(map[string]string{sqlite.MetaUploaderIP: "203.0.113.9", sqlite.MetaUploaderPort: "40000",
		sqlite.MetaUploaderEmail: "someone@example.test", sqlite.MetaUsername: "someone", sqlite.MetaFileName: "gradient.png"})
	c := vigil.Case{ContentID: "cnt_bar", Service: "photos",
		Matches: []vigil.Match{{Bank: "known-list", Entry: 1, Category: "A1",
			Signal: signal.Signal{Type: signal.MD5, Value: hex.EncodeToString(md5sum[:])}}},
		Signals: []signal.Signal{{Type: signal.MD5, Value: hex.EncodeToString(md5sum[:])},
			{Type: signal.SHA1, Value: hex.EncodeToString(sha1sum[:])},
			{Type: signal.SHA256, Value: hex.EncodeToString(sha256sum[:])}}}
	err := s.db.Update(ctx, func(tx *sqlite.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO services (name, type, jurisdiction, enabled, created)
			VALUES ('photos', 'hosting', 'EU', 1, 0)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO content (id, service, external_id, uploader, type, flags,
			metadata, url, size, received, status, reason, matches, case_id, decided) VALUES ('cnt_bar', 'photos',
			'ext-1', 'usr-1', 'image', '[]', ?, 'https://photos.example/p/1', ?, ?, 'match', '', '[]', '', 0)`,
			string(meta), len(s.media), t0.UnixMilli()); err != nil {
			return err
		}
		return tx.OpenCase(&c, s.media, "image/png")
	})
	if err != nil {
		t.Fatal(err)
	}
	cases, rev := sqlite.NewCaseStore(s.db, nil), as(vigil.RoleReviewer, "rev")
	if _, err := cases.Claim(rev, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cases.Media(rev, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cases.Decide(rev, vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"}); err != nil {
		t.Fatal(err)
	}
	reps, _, err := s.store.Reports(as(vigil.RoleLegal, "lex"), vigil.ReportFilter{})
	if err != nil || len(reps) != 1 {
		t.Fatalf("reports after the confirmation: %d, %v", len(reps), err)
	}
	if _, err := s.store.ApproveReport(as(vigil.RoleLegal, "lex"), reps[0].ID); err != nil {
		t.Fatal(err)
	}
	return reps[0].ID
}

func (s *stack) report(t *testing.T, id string) vigil.Report {
	t.Helper()
	rep, err := s.store.Report(as(vigil.RoleLegal, "lex"), id)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// THE BAR: a confirmed case yields an EU Centre report that validates against the schema and
// whose signature verifies, and a CyberTipline submission that passes the fake's flow
// (RP-03, RP-04, RP-09, NC-03, NC-06, NC-10).
func TestBarConfirmedCaseReachesBothDestinations(t *testing.T) {
	s := newStack(t)
	id := s.confirmedReport(t)
	if err := s.worker.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	nreps := s.ncmec.Reports()
	if len(nreps) != 1 || nreps[0].Status != ncmecfake.Finished || len(nreps[0].Files) != 1 {
		t.Fatalf("CyberTipline reports %+v, want one finished with one file", nreps)
	}
	f := nreps[0].Files[0]
	if !bytes.Equal(f.Data, s.media) || len(f.Details) != 1 || !strings.Contains(string(f.Details[0]), "<fileViewedByEsp>true</fileViewedByEsp>") {
		t.Errorf("file %s: %d bytes, details %q", f.Name, len(f.Data), f.Details)
	}
	ereps := s.eu.Reports()
	if len(ereps) != 1 {
		t.Fatalf("EU Centre got %d reports, want 1", len(ereps))
	}
	got := ereps[0]
	if err := eucentre.Validate(got.Body); err != nil {
		t.Errorf("the EU Centre document does not validate: %v", err)
	}
	if err := eucentre.Verify(s.pub, got.Body, got.Signature); err != nil {
		t.Errorf("the EU Centre document's signature does not verify: %v", err)
	}
	ncmecID := func() string { b, _ := json.Marshal(nreps[0].ID); return string(b) }()
	if tc := got.Document.ThirdCountry; len(tc) != 1 || tc[0].Reference != ncmecID {
		t.Errorf("third-country reports %+v, want the CyberTipline id %s (RP-09)", tc, ncmecID)
	}
	if got.IdempotencyKey != id {
		t.Errorf("idempotency key %q, want the report id %s", got.IdempotencyKey, id)
	}
	rep := s.report(t, id)
	eu, _ := rep.Delivery(vigil.DestEUCentre)
	if rep.Status != vigil.ReportSent || eu.Reference != got.Reference {
		t.Errorf("report %s with EU reference %q, want sent with %q", rep.Status, eu.Reference, got.Reference)
	}
}

// Server errors are retried on the clock until they pass, without a second CyberTipline report
// (NC-03). A final refusal at one destination does not stop the other nor undo what it took
// (RP-01, RP-19, RP-20): a CyberTipline refusal retracts the open report there and the EU
// Centre still gets the report, naming no CyberTipline report; an EU Centre refusal leaves the
// finished CyberTipline report. Either way the report fails, for a resend of what was refused.
func TestBarRetriesAndRetraction(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(*stack)
		ticks  int
		status vigil.ReportStatus
		ncmec  ncmecfake.ReportStatus
		eu     int
		euAt   vigil.DestinationStatus
	}{
		{"server errors pass", func(s *stack) {
			s.ncmec.FailNext(ncmecfake.Upload, 2, 1000)
			s.ncmec.FailNext(ncmecfake.Finish, 1, 1000)
		}, 5, vigil.ReportSent, ncmecfake.Finished, 1, vigil.DestSent},
		{"damaged upload is repeated", func(s *stack) { s.ncmec.CorruptNextUploads(1) }, 3,
			vigil.ReportSent, ncmecfake.Finished, 1, vigil.DestSent},
		{"CyberTipline validation refusal retracts, the EU Centre still gets it",
			func(s *stack) { s.ncmec.FailNext(ncmecfake.FileInfo, 1, 4100) }, 3,
			vigil.ReportFailed, ncmecfake.Retracted, 1, vigil.DestSent},
		{"EU Centre refusal keeps the finished CyberTipline report", func(s *stack) { s.euRefusals.Store(1) }, 3,
			vigil.ReportFailed, ncmecfake.Finished, 0, vigil.DestFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStack(t)
			id := s.confirmedReport(t)
			tt.setup(s)
			for range tt.ticks {
				if err := s.worker.Tick(context.Background()); err != nil {
					t.Fatal(err)
				}
				s.clock.Advance(time.Hour)
			}
			nreps := s.ncmec.Reports()
			if len(nreps) != 1 || nreps[0].Status != tt.ncmec {
				t.Fatalf("CyberTipline reports %+v, want one %s", nreps, tt.ncmec)
			}
			rep := s.report(t, id)
			eu, _ := rep.Delivery(vigil.DestEUCentre)
			if rep.Status != tt.status || eu.Status != tt.euAt {
				t.Errorf("report %s (%s), EU Centre %s; want %s, %s", rep.Status, rep.LastError, eu.Status, tt.status, tt.euAt)
			}
			ereps := s.eu.Reports()
			if len(ereps) != tt.eu {
				t.Fatalf("EU Centre got %d reports, want %d", len(ereps), tt.eu)
			}
			if tt.eu == 1 && tt.ncmec != ncmecfake.Finished && len(ereps[0].Document.ThirdCountry) != 0 {
				t.Errorf("the EU Centre report names %+v, a CyberTipline report that was retracted", ereps[0].Document.ThirdCountry)
			}
		})
	}
}

// A flow interrupted inside upload (the worker's context ends while the fake holds the call, as
// when the process dies) resumes at the next pass from the recorded submit: one CyberTipline
// report, finished.
func TestBarInterruptedFlowResumes(t *testing.T) {
	s := newStack(t)
	id := s.confirmedReport(t)
	arrived, release := s.ncmec.Block(ncmecfake.Upload)
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.worker.Tick(ctx) }()
	<-arrived
	cancel()
	<-done
	if rep := s.report(t, id); rep.Status != vigil.ReportSending {
		t.Fatalf("report %s after the interruption, want sending", rep.Status)
	}
	release()
	s.clock.Advance(time.Hour)
	if err := s.worker.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	nreps := s.ncmec.Reports()
	if len(nreps) != 1 || nreps[0].Status != ncmecfake.Finished {
		t.Fatalf("CyberTipline reports %+v, want one finished", nreps)
	}
	if rep := s.report(t, id); rep.Status != vigil.ReportSent {
		t.Errorf("report %s, want sent", rep.Status)
	}
}

// lossyStore loses the record of one step once, as a crash right after the destination took
// the step would: the destination did it, the database does not know.
type lossyStore struct {
	*sqlite.ReportStore
	lose string // "submit" or "finish"
}

func (l *lossyStore) NCMECSubmitted(ctx context.Context, id, ref string) error {
	if l.lose == "submit" {
		l.lose = ""
		return errors.New("lost: the process died before recording the submit")
	}
	return l.ReportStore.NCMECSubmitted(ctx, id, ref)
}

func (l *lossyStore) NCMECFinished(ctx context.Context, id string) error {
	if l.lose == "finish" {
		l.lose = ""
		return errors.New("lost: the process died before recording the finish")
	}
	return l.ReportStore.NCMECFinished(ctx, id)
}

// NC-03: a step NCMEC took but the store never recorded. A lost finish is found done when the
// resumed flow finishes again ("already finished"); a lost submit leaves one report open at
// NCMEC, which it deletes unfinished, and never a second finished one.
func TestBarLostSteps(t *testing.T) {
	tests := []struct {
		lose        string
		reports     int
		openOrphans int
	}{
		{"finish", 1, 0},
		{"submit", 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.lose, func(t *testing.T) {
			s := newStack(t)
			id := s.confirmedReport(t)
			s.worker.Store = &lossyStore{ReportStore: s.store, lose: tt.lose}
			if err := s.worker.Tick(context.Background()); err == nil {
				t.Fatal("the lost step was not reported")
			}
			s.clock.Advance(time.Hour)
			if err := s.worker.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			finished, open := 0, 0
			for _, r := range s.ncmec.Reports() {
				switch r.Status {
				case ncmecfake.Finished:
					finished++
				case ncmecfake.Open:
					open++
				}
			}
			if len(s.ncmec.Reports()) != tt.reports || finished != 1 || open != tt.openOrphans {
				t.Errorf("%d CyberTipline reports, %d finished, %d open; want %d, 1, %d",
					len(s.ncmec.Reports()), finished, open, tt.reports, tt.openOrphans)
			}
			if rep := s.report(t, id); rep.Status != vigil.ReportSent || len(s.eu.Reports()) != 1 {
				t.Errorf("report %s with %d EU Centre reports, want sent once", rep.Status, len(s.eu.Reports()))
			}
		})
	}
}
