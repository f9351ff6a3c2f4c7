package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/internal/drawjpeg"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

// inForce is a date when every default legal basis applies.
var inForce = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

var admin = vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_1", Name: "platform", Scopes: []vigil.Scope{vigil.ScopeAdmin}})

type env struct {
	path    string // the database file
	db      *sqlite.DB
	store   *sqlite.ContentStore
	cases   *sqlite.CaseStore
	matcher *match.Matcher
	clock   *fakeclock.Clock
}

// newEnv opens a database with one known bank holding the PDQ of drawjpeg seed 1.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	clock := fakeclock.New(inForce)
	path := filepath.Join(t.TempDir(), "vigil.db")
	db, err := sqlite.Open(ctx, path, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := match.NewMatcher(ctx, sqlite.NewBankStore(db), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	bank := match.NewBank("known", match.Known)
	if err := m.CreateBank(ctx, bank); err != nil {
		t.Fatal(err)
	}
	res, err := hasher.Hash(bytes.NewReader(drawjpeg.Draw(1, 640, 480)), hasher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	entry := match.Entry{Signal: signal.Signal{Type: signal.PDQ, Value: res.PDQ.String()}, Category: "test-category"}
	if _, err := m.AddEntries(ctx, "known", []match.Entry{entry}); err != nil {
		t.Fatal(err)
	}
	e := &env{path: path, db: db, store: sqlite.NewContentStore(db), cases: sqlite.NewCaseStore(db, nil), matcher: m, clock: clock}
	return e
}

// start runs a pipeline on e until the test ends.
func (e *env) start(t *testing.T, cfg Config) *Pipeline {
	t.Helper()
	cfg.Store, cfg.Matcher, cfg.Clock = e.store, e.matcher, e.clock
	p := New(cfg)
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(context.Background()) })
	return p
}

func saveService(t *testing.T, p *Pipeline, name string, typ vigil.ServiceType, jurisdiction string) {
	t.Helper()
	if _, err := p.SaveService(admin, vigil.Service{Name: name, Type: typ, Jurisdiction: jurisdiction, Enabled: true}); err != nil {
		t.Fatal(err)
	}
}

// submitWait submits s and waits for its verdict.
func submitWait(t *testing.T, p *Pipeline, s vigil.Submission) vigil.Content {
	t.Helper()
	c, err := p.Submit(admin, s)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err = p.Wait(ctx, c.ID)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	return c
}

func TestVerdicts(t *testing.T) {
	e := newEnv(t)
	p := e.start(t, Config{})
	saveService(t, p, "photos", vigil.ServiceHosting, "EU")
	matching := drawjpeg.Draw(1, 640, 480)
	pdqOf := func(b []byte) string {
		res, err := hasher.Hash(bytes.NewReader(b), hasher.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res.PDQ.String()
	}
	tests := []struct {
		name   string
		sub    vigil.Submission
		status vigil.VerdictStatus
		reason string
	}{
		{"no match", vigil.Submission{Bytes: drawjpeg.Draw(2, 640, 480)}, vigil.VerdictNoMatch, ""},
		{"match", vigil.Submission{Bytes: drawjpeg.Tag(matching, "re-encoded")}, vigil.VerdictMatch, ""},
		{"match by signals", vigil.Submission{Signals: []signal.Signal{{Type: signal.PDQ, Value: pdqOf(matching)}}}, vigil.VerdictMatch, ""},
		{"no match by signals", vigil.Submission{Signals: []signal.Signal{{Type: signal.MD5, Value: "d41d8cd98f00b204e9800998ecf8427e"}}}, vigil.VerdictNoMatch, ""},
		{"not an image", vigil.Submission{Bytes: []byte("hello")}, vigil.VerdictError, "cannot hash"},
		{"e2ee", vigil.Submission{Bytes: matching, Flags: []vigil.Flag{vigil.FlagE2EE}}, vigil.VerdictNotScanned, "end-to-end"},
		{"audio", vigil.Submission{Bytes: matching, Flags: []vigil.Flag{vigil.FlagAudio}}, vigil.VerdictNotScanned, "audio"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.sub.Service, tt.sub.ExternalID = "photos", fmt.Sprint("ext-", i)
			c := submitWait(t, p, tt.sub)
			if c.Verdict.Status != tt.status || !bytes.Contains([]byte(c.Verdict.Reason), []byte(tt.reason)) {
				t.Fatalf("verdict %+v, want %s %q", c.Verdict, tt.status, tt.reason)
			}
			stored, err := p.Content(context.Background(), c.ID)
			if err != nil || stored.Verdict.Status != tt.status {
				t.Fatalf("stored verdict %+v, %v", stored.Verdict, err)
			}
			if tt.status != vigil.VerdictMatch {
				if c.Verdict.CaseID != "" {
					t.Errorf("case %s opened without a match", c.Verdict.CaseID)
				}
				return
			}
			cs, err := e.cases.Case(admin, c.Verdict.CaseID)
			if err != nil {
				t.Fatalf("case: %v", err)
			}
			if cs.ContentID != c.ID || len(c.Verdict.Matches) != 1 || c.Verdict.Matches[0].Category != "test-category" {
				t.Errorf("case %+v for verdict %+v", cs, c.Verdict)
			}
		})
	}
	if n, err := p.Backlog(context.Background()); err != nil || n != 0 {
		t.Errorf("backlog %d, %v: every job should be gone", n, err)
	}
	counts, err := p.Counts(context.Background(), inForce, inForce)
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, c := range counts {
		total += c.Count
	}
	if total != int64(len(tests)) {
		t.Errorf("counted %d verdicts, want %d: %+v", total, len(tests), counts)
	}
}

func TestSubmitIsIdempotent(t *testing.T) {
	e := newEnv(t)
	p := e.start(t, Config{})
	saveService(t, p, "photos", vigil.ServiceHosting, "US")
	img := drawjpeg.Draw(1, 640, 480)
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			c, err := p.Submit(admin, vigil.Submission{Service: "photos", ExternalID: "same", Bytes: img})
			if err != nil {
				t.Error(err)
			}
			ids[i] = c.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("ids %v: want one item", ids)
		}
	}
	c := submitWait(t, p, vigil.Submission{Service: "photos", ExternalID: "same", Bytes: img})
	cases, _, err := e.cases.Cases(admin, vigil.CaseFilter{})
	if err != nil || c.Verdict.Status != vigil.VerdictMatch || len(cases) != 1 {
		t.Errorf("verdict %s, %d cases, %v: want one match and one case", c.Verdict.Status, len(cases), err)
	}
}

func TestSubmitRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	p := e.start(t, Config{})
	saveService(t, p, "photos", vigil.ServiceHosting, "US")
	img := []byte{0xFF, 0xD8}
	tests := []struct {
		name  string
		sub   vigil.Submission
		field string
	}{
		{"no source", vigil.Submission{Service: "photos"}, ""},
		{"two sources", vigil.Submission{Service: "photos", Bytes: img, URL: "https://example.com/a.jpg"}, ""},
		{"unknown service", vigil.Submission{Service: "nope", Bytes: img}, "service"},
		{"no service", vigil.Submission{Bytes: img}, "service"},
		{"bad url", vigil.Submission{Service: "photos", URL: "file:///etc/passwd"}, "url"},
		{"bad signal", vigil.Submission{Service: "photos", Signals: []signal.Signal{{Type: signal.PDQ, Value: "xyz"}}}, "signals.pdq"},
		{"unknown flag", vigil.Submission{Service: "photos", Bytes: img, Flags: []vigil.Flag{"secret"}}, "flags"},
		{"video bytes", vigil.Submission{Service: "photos", Bytes: img, Type: vigil.ContentVideo}, "type"},
		{"long external id", vigil.Submission{Service: "photos", Bytes: img, ExternalID: string(make([]byte, 300))}, "external_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Submit(admin, tt.sub)
			e, ok := err.(*vigil.Error)
			if !ok || e.Code != vigil.EINVALID || e.Field != tt.field {
				t.Errorf("error %v, want invalid on field %q", err, tt.field)
			}
		})
	}
}

// TestResume stores jobs as a crashed run would have left them and checks that a new pipeline
// gives each exactly one verdict.
func TestResume(t *testing.T) {
	e := newEnv(t)
	if _, err := e.store.SaveService(admin, vigil.Service{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "US", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Prepare(admin); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 5 {
		c := vigil.Content{ID: vigil.NewID(vigil.PrefixContent, inForce), Service: "photos", ExternalID: fmt.Sprint(i),
			Type: vigil.ContentPhoto, Received: inForce, Verdict: vigil.Verdict{Status: vigil.VerdictPending}}
		err := e.db.Update(admin, func(tx *sqlite.Tx) error {
			_, _, _, err := e.store.InsertContent(tx, c, sqlite.JobBytes, drawjpeg.Draw(uint64(i), 640, 480))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	p := e.start(t, Config{Queue: 2})
	for i, id := range ids {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := p.Wait(ctx, id)
		cancel()
		want := vigil.VerdictNoMatch
		if i == 1 {
			want = vigil.VerdictMatch
		}
		if err != nil || c.Verdict.Status != want {
			t.Errorf("item %d: %s, %v; want %s", i, c.Verdict.Status, err, want)
		}
	}
}
