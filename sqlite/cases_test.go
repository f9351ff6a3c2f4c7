package sqlite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// reviewer returns a context acting as a reviewer with the given id.
func reviewer(id string) context.Context {
	return vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: id, Name: id,
		Role: vigil.RoleReviewer, Scopes: vigil.ScopesOf(vigil.RoleReviewer)})
}

var testMedia = []byte("\xff\xd8 a benign test picture drawn by the test \xff\xd9")

// testPDQ is the perceptual hash of the content of openTestCase's cases.
var testPDQ = signal.Signal{Type: signal.PDQ, Value: strings.Repeat("5a3c", 16)}

// senior returns a context acting as a reviewer who may also change banks: only such a reviewer
// may add a false positive to an allow bank.
func senior(id string) context.Context {
	return vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: id, Name: id,
		Role: vigil.RoleReviewer, Scopes: append(vigil.ScopesOf(vigil.RoleReviewer), vigil.ScopeBanksWrite)})
}

// allowRecorder is an AllowBanks that records what it is given, numbering added entries from 1.
type allowRecorder struct {
	added   []match.Entry
	removed []uint32
}

func (a *allowRecorder) Add(_ context.Context, _ string, entries []match.Entry) error {
	for i := range entries {
		entries[i].ID = uint32(len(a.added) + 1)
		a.added = append(a.added, entries[i])
	}
	return nil
}

func (a *allowRecorder) Remove(_ context.Context, _ string, ids []uint32) error {
	a.removed = append(a.removed, ids...)
	return nil
}

// openTestCase opens a case for contentID matching bank, as the pipeline would.
func openTestCase(t *testing.T, db *DB, contentID, bank string, p vigil.Priority, media []byte) vigil.Case {
	t.Helper()
	c := vigil.Case{
		ContentID: contentID, Service: "photos", Priority: p,
		Matches: []vigil.Match{{Bank: bank, Entry: 7, Category: "A1", Distance: 12,
			Signal: signal.Signal{Type: "md5", Value: "0123456789abcdef0123456789abcdef"}}},
		Signals: []signal.Signal{{Type: "md5", Value: "0123456789abcdef0123456789abcdef"}, testPDQ},
	}
	err := db.Update(context.Background(), func(tx *Tx) error { return tx.OpenCase(&c, media, "image/jpeg") })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if vigil.ErrorCode(err) != code {
		t.Fatalf("error %v (code %q), want code %q", err, vigil.ErrorCode(err), code)
	}
}

func TestOpenCaseIsIdempotentPerContent(t *testing.T) {
	db := openTest(t)
	first := openTestCase(t, db, "cnt_1", "ncmec", vigil.PriorityNormal, testMedia)
	second := openTestCase(t, db, "cnt_1", "other", vigil.PriorityUrgent, nil)
	if second.ID != first.ID || !slices.Equal(second.Banks, []string{"ncmec"}) || !second.HasMedia {
		t.Fatalf("second open = %+v, want the first case %s unchanged", second, first.ID)
	}
	opens, err := db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "case.open"})
	if err != nil || len(opens) != 1 {
		t.Fatalf("case.open events: %d, %v; want 1", len(opens), err)
	}
}

func TestCaseMediaIsEncryptedAndBoundToItsCase(t *testing.T) {
	db := openTest(t)
	cs := NewCaseStore(db, nil)
	a := openTestCase(t, db, "cnt_a", "ncmec", "", testMedia)
	b := openTestCase(t, db, "cnt_b", "ncmec", "", []byte("other bytes"))
	var stored []byte
	if err := db.read.QueryRow(`SELECT data FROM case_media WHERE case_id = ?`, a.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, testMedia[2:20]) {
		t.Fatal("media stored in the clear")
	}
	got, typ, err := cs.Media(reviewer("usr_alice"), a.ID)
	if err != nil || !bytes.Equal(got, testMedia) || typ != "image/jpeg" {
		t.Fatalf("Media = %q, %q, %v", got, typ, err)
	}
	// A ciphertext copied to another case's row must not decrypt there.
	if _, err := db.write.Exec(`UPDATE case_media SET nonce = (SELECT nonce FROM case_media WHERE case_id = ?),
		data = (SELECT data FROM case_media WHERE case_id = ?) WHERE case_id = ?`, a.ID, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cs.Media(reviewer("usr_alice"), b.ID); err == nil {
		t.Fatal("media moved to another case decrypted")
	}
}

func TestClaim(t *testing.T) {
	db := openTest(t)
	cs := NewCaseStore(db, nil)
	c := openTestCase(t, db, "cnt_1", "ncmec", "", nil)
	decided := openTestCase(t, db, "cnt_2", "ncmec", "", nil)
	if _, err := cs.Decide(reviewer("usr_alice"), vigil.Decision{CaseID: decided.ID, Verdict: vigil.DecideFalsePositive}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, id, code string
	}{
		{"open case", "usr_alice", c.ID, ""},
		{"again by the holder", "usr_alice", c.ID, ""},
		{"by another reviewer", "usr_bob", c.ID, vigil.ECONFLICT},
		{"decided case", "usr_alice", decided.ID, vigil.ECONFLICT},
		{"unknown case", "usr_alice", "cas_nope", vigil.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cs.Claim(reviewer(tc.user), tc.id)
			wantCode(t, err, tc.code)
			if err == nil && (got.Status != vigil.CaseInReview || got.Assignee != tc.user) {
				t.Fatalf("claimed case = %s by %q", got.Status, got.Assignee)
			}
		})
	}
	auditor := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_eve", Role: vigil.RoleAuditor,
		Scopes: vigil.ScopesOf(vigil.RoleAuditor)})
	_, err := cs.Claim(auditor, c.ID)
	wantCode(t, err, vigil.EFORBIDDEN)
}

func TestDecideRefusesBadDecisions(t *testing.T) {
	db := openTest(t)
	cs := NewCaseStore(db, nil)
	c := openTestCase(t, db, "cnt_1", "ncmec", "", nil)
	for _, tc := range []struct {
		name  string
		d     vigil.Decision
		code  string
		field string
	}{
		{"unknown verdict", vigil.Decision{CaseID: c.ID, Verdict: "maybe"}, vigil.EINVALID, "verdict"},
		{"confirm without category", vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm}, vigil.EINVALID, "category"},
		{"allow bank on confirm", vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1", AllowBank: "fp"}, vigil.EINVALID, "allow_bank"},
		{"allow bank not configured", vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideFalsePositive, AllowBank: "fp"}, vigil.EUNAVAILABLE, "allow_bank"},
		{"reason too long", vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideEscalate, Reason: string(make([]byte, maxCaseReason+1))}, vigil.EINVALID, "reason"},
		{"invalid UTF-8", vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "\xff"}, vigil.EINVALID, "category"},
		{"unknown case", vigil.Decision{CaseID: "cas_nope", Verdict: vigil.DecideEscalate}, vigil.ENOTFOUND, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cs.Decide(senior("usr_alice"), tc.d)
			wantCode(t, err, tc.code)
			if e, ok := err.(*vigil.Error); ok && e.Field != tc.field {
				t.Fatalf("field %q, want %q", e.Field, tc.field)
			}
		})
	}
	if got, _ := cs.Case(context.Background(), c.ID); got.Status != vigil.CaseOpen {
		t.Fatalf("refused decisions changed the case to %s", got.Status)
	}
}

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name      string
		d         vigil.Decision
		reveal    bool
		want      vigil.CaseStatus
		wantMedia bool
		wantAllow bool
	}{
		{"confirm after a reveal", vigil.Decision{Verdict: vigil.DecideConfirm, Category: "A1", Reason: "seen"}, true, vigil.CaseConfirmed, false, false},
		{"confirm unseen", vigil.Decision{Verdict: vigil.DecideConfirm, Category: "B2"}, false, vigil.CaseConfirmed, false, false},
		{"false positive to an allow bank", vigil.Decision{Verdict: vigil.DecideFalsePositive, AllowBank: "fp"}, true, vigil.CaseFalsePositive, false, true},
		{"escalate", vigil.Decision{Verdict: vigil.DecideEscalate, Reason: "unsure"}, false, vigil.CaseEscalated, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			allow := &allowRecorder{}
			cs := NewCaseStore(db, allow)
			c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
			ctx := senior("usr_alice")
			if _, err := cs.Claim(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			if tc.reveal {
				if _, _, err := cs.Media(ctx, c.ID); err != nil {
					t.Fatal(err)
				}
			}
			tc.d.CaseID = c.ID
			got, err := cs.Decide(ctx, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.want || got.HasMedia != tc.wantMedia || (tc.want == vigil.CaseConfirmed && got.Category != tc.d.Category) {
				t.Fatalf("decided case: status %s, media %v, category %q", got.Status, got.HasMedia, got.Category)
			}
			if reread, _ := cs.Case(context.Background(), c.ID); reread.Status != got.Status || reread.HasMedia != got.HasMedia {
				t.Fatalf("stored case %+v differs from returned %+v", reread, got)
			}
			if (len(allow.added) > 0) != tc.wantAllow || (tc.wantAllow && allow.added[0].Signal != testPDQ) {
				t.Fatalf("allow bank got %+v", allow.added)
			}
			var viewed bool
			if err := db.read.QueryRow(`SELECT viewed_media FROM case_decisions WHERE case_id = ?`, c.ID).Scan(&viewed); err != nil || viewed != tc.reveal {
				t.Fatalf("decision viewed_media = %v, %v; want %v", viewed, err, tc.reveal)
			}
			_, err = cs.Decide(senior("usr_bob"), tc.d)
			if tc.want == vigil.CaseEscalated {
				wantCode(t, err, "")
			} else {
				wantCode(t, err, vigil.ECONFLICT)
			}
		})
	}
}

func TestDecideRefusesOthersClaim(t *testing.T) {
	db := openTest(t)
	cs := NewCaseStore(db, nil)
	c := openTestCase(t, db, "cnt_1", "ncmec", "", nil)
	if _, err := cs.Claim(reviewer("usr_alice"), c.ID); err != nil {
		t.Fatal(err)
	}
	_, err := cs.Decide(reviewer("usr_bob"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideEscalate})
	wantCode(t, err, vigil.ECONFLICT)
}

func TestRevealCap(t *testing.T) {
	db := openTest(t)
	clock := db.Clock.(*fakeclock.Clock)
	cs := NewCaseStore(db, nil)
	for _, u := range []struct {
		id     string
		reveal int
	}{{"usr_alice", 3}, {"usr_bob", 0}} {
		_, err := db.write.Exec(`INSERT INTO users (id, name, role, password, reveals_per_hour, created, updated)
			VALUES (?, ?, 'reviewer', 'unused', ?, 0, 0)`, u.id, u.id, u.reveal)
		if err != nil {
			t.Fatal(err)
		}
	}
	c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
	steps := []struct {
		name    string
		user    string
		advance time.Duration
		code    string
	}{
		{"first", "usr_alice", 0, ""},
		{"second", "usr_alice", 10 * time.Minute, ""},
		{"third", "usr_alice", 10 * time.Minute, ""},
		{"over the cap", "usr_alice", 10 * time.Minute, vigil.ERATELIMITED},
		{"another reviewer has the default cap", "usr_bob", 0, ""},
		{"first reveal out of the hour", "usr_alice", 30*time.Minute + time.Millisecond, ""},
		{"cap again", "usr_alice", 0, vigil.ERATELIMITED},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clock.Advance(s.advance)
			_, _, err := cs.Media(reviewer(s.user), c.ID)
			wantCode(t, err, s.code)
		})
	}
	views, err := db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "media.view", ObjectID: c.ID})
	if err != nil || len(views) != 5 {
		t.Fatalf("media.view events: %d, %v; want one per reveal (5)", len(views), err)
	}
}

func TestCasesFiltersAndPages(t *testing.T) {
	db := openTest(t)
	clock := db.Clock.(*fakeclock.Clock)
	cs := NewCaseStore(db, nil)
	var ids []string // in queue order: urgent ones first
	for i := range 7 {
		p, bank := vigil.PriorityNormal, "ncmec"
		if i%3 == 0 {
			p = vigil.PriorityUrgent
		}
		if i%2 == 0 {
			bank = "iwf"
		}
		ids = append(ids, openTestCase(t, db, fmt.Sprintf("cnt_%d", i), bank, p, nil).ID)
		clock.Advance(time.Hour)
	}
	queue := []string{ids[0], ids[3], ids[6], ids[1], ids[2], ids[4], ids[5]}
	if _, err := cs.Claim(reviewer("usr_alice"), ids[1]); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    vigil.CaseFilter
		want []string
	}{
		{"everything", vigil.CaseFilter{}, queue},
		{"urgent", vigil.CaseFilter{Priority: vigil.PriorityUrgent}, []string{ids[0], ids[3], ids[6]}},
		{"bank", vigil.CaseFilter{Bank: "iwf"}, []string{ids[0], ids[6], ids[2], ids[4]}},
		{"status", vigil.CaseFilter{Status: []vigil.CaseStatus{vigil.CaseInReview}}, []string{ids[1]}},
		{"two statuses", vigil.CaseFilter{Status: []vigil.CaseStatus{vigil.CaseInReview, vigil.CaseOpen}}, queue},
		{"older than", vigil.CaseFilter{OlderThan: 5 * time.Hour}, []string{ids[0], ids[1]}},
		{"no bank", vigil.CaseFilter{Bank: "none"}, nil},
	} {
		for _, limit := range []int{1, 2, 3, 500} {
			t.Run(fmt.Sprintf("%s/limit %d", tc.name, limit), func(t *testing.T) {
				got := listAll(t, cs, tc.f, limit)
				if !slices.Equal(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}
	}
	for _, bad := range []string{"!!", "MjpjYXNfeA", "MTpub3RhY2FzZQ"} {
		_, _, err := cs.Cases(context.Background(), vigil.CaseFilter{Cursor: bad})
		wantCode(t, err, vigil.EINVALID)
	}
}

// listAll follows the cursors of a listing to its end.
func listAll(t *testing.T, cs *CaseStore, f vigil.CaseFilter, limit int) []string {
	t.Helper()
	var ids []string
	f.Limit = limit
	for range 100 {
		page, next, err := cs.Cases(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > limit {
			t.Fatalf("page of %d, limit %d", len(page), limit)
		}
		for _, c := range page {
			ids = append(ids, c.ID)
		}
		if next == "" {
			return ids
		}
		f.Cursor = next
	}
	t.Fatal("listing never ends")
	return nil
}

func TestCommentAndHistory(t *testing.T) {
	db := openTest(t)
	cs := NewCaseStore(db, nil)
	c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
	ctx := reviewer("usr_alice")
	var firstComment string
	for _, tc := range []struct {
		name, text, code string
	}{
		{"note", "looks like the known image", ""},
		{"empty", "", vigil.EINVALID},
		{"too long", string(make([]byte, maxCaseComment+1)), vigil.EINVALID},
		{"invalid UTF-8", "\xfe", vigil.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cm, err := cs.Comment(ctx, c.ID, tc.text)
			wantCode(t, err, tc.code)
			if err == nil && (cm.Text != tc.text || cm.Author != "usr_alice" || cm.CaseID != c.ID) {
				t.Fatalf("comment %+v", cm)
			}
			if err == nil {
				firstComment = cm.ID
			}
		})
	}
	steps := []func() error{
		func() error { _, err := cs.Claim(ctx, c.ID); return err },
		func() error { _, _, err := cs.Media(ctx, c.ID); return err },
		func() error {
			_, err := cs.Decide(ctx, vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	history, err := cs.History(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range history {
		actions = append(actions, e.Action)
	}
	want := []string{"case.open", "case.comment", "case.claim", "media.view", "case.decide"}
	if !slices.Equal(actions, want) || history[1].Actor != "usr_alice" ||
		history[1].Detail != `{"comment_id":"`+firstComment+`","text":"looks like the known image"}` {
		t.Fatalf("history %+v, want actions %v", history, want)
	}
	_, err = cs.History(context.Background(), "cas_nope")
	wantCode(t, err, vigil.ENOTFOUND)
}

func FuzzDecodeCaseCursor(f *testing.F) {
	f.Add(encodeCaseCursor(vigil.Case{ID: "cas_01ABC", Priority: vigil.PriorityUrgent}))
	f.Add("MDpjYXNf")
	f.Add("")
	f.Fuzz(func(t *testing.T, cursor string) {
		urgent, id, err := decodeCaseCursor(cursor)
		if err != nil {
			return
		}
		p := vigil.PriorityNormal
		if urgent == 1 {
			p = vigil.PriorityUrgent
		}
		if again := encodeCaseCursor(vigil.Case{ID: id, Priority: p}); again != cursor {
			t.Fatalf("cursor %q decodes to (%d, %q), which encodes to %q", cursor, urgent, id, again)
		}
	})
}

func TestBacklogMetrics(t *testing.T) {
	db := openTest(t)
	clock := db.Clock.(*fakeclock.Clock)
	cs := NewCaseStore(db, nil)
	reg := prometheus.NewRegistry()
	if err := cs.RegisterMetrics(reg); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		ids = append(ids, openTestCase(t, db, fmt.Sprintf("cnt_%d", i), "ncmec", "", nil).ID)
		clock.Advance(time.Minute)
	}
	ctx := reviewer("usr_alice")
	if _, err := cs.Decide(ctx, vigil.Decision{CaseID: ids[0], Verdict: vigil.DecideFalsePositive}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Claim(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				name += "/" + l.GetValue()
			}
			got[name] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"vigil_review_backlog_cases/open":      1,
		"vigil_review_backlog_cases/in_review": 1,
		"vigil_review_backlog_cases/escalated": 0,
		"vigil_review_oldest_case_age_seconds": 180,
	}
	if !maps.Equal(got, want) {
		t.Fatalf("metrics %v, want %v", got, want)
	}
}

func TestDecideEnqueuesWebhookEvent(t *testing.T) {
	db := openTest(t)
	cs := NewCaseStore(db, nil)
	if _, err := db.CreateWebhook(context.Background(), "https://platform.example/hook", "", []string{vigil.EventCaseDecided}); err != nil {
		t.Fatal(err)
	}
	c := openTestCase(t, db, "cnt_1", "ncmec", "", nil)
	if _, err := cs.Decide(reviewer("usr_alice"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"}); err != nil {
		t.Fatal(err)
	}
	due, err := db.ClaimDeliveries(context.Background(), 10, time.Minute)
	if err != nil || len(due) != 1 {
		t.Fatalf("deliveries %d, %v; want 1", len(due), err)
	}
	var body struct {
		Event string            `json:"event"`
		Data  vigil.CaseDecided `json:"data"`
	}
	if err := json.Unmarshal(due[0].Payload, &body); err != nil {
		t.Fatal(err)
	}
	want := vigil.CaseDecided{CaseID: c.ID, ContentID: "cnt_1", Service: "photos", DecisionID: body.Data.DecisionID,
		Verdict: vigil.DecideConfirm, Category: "A1", Status: vigil.CaseConfirmed, Banks: []string{"ncmec"},
		Decided: "2026-11-27T12:00:00.000Z"}
	if body.Event != vigil.EventCaseDecided || !reflect.DeepEqual(body.Data, want) || !strings.HasPrefix(want.DecisionID, "dec_") {
		t.Fatalf("delivery %s: %+v, want %+v", body.Event, body.Data, want)
	}
}

func TestFalsePositiveSuppressesLaterMatches(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	m, err := match.NewMatcher(ctx, NewBankStore(db), db.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []match.Bank{match.NewBank("ncmec", match.Known), match.NewBank("fp", match.Allow)} {
		if err := m.CreateBank(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	c := openTestCase(t, db, "cnt_1", "ncmec", "", nil)
	cs := NewCaseStore(db, AllowBankAdder(m))
	for _, tc := range []struct{ name, bank, code string }{
		{"unknown bank", "nope", vigil.EINVALID},
		{"known bank", "ncmec", vigil.EINVALID},
		{"allow bank", "fp", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cs.Decide(senior("usr_alice"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideFalsePositive, AllowBank: tc.bank})
			wantCode(t, err, tc.code)
		})
	}
	res := m.Match(match.Query{Signals: c.Signals, Quality: -1}, match.MatchOptions{})
	if len(res.Allowed) != 1 || res.Allowed[0].Bank != "fp" {
		t.Fatalf("match after the false positive: %+v, want an allow-bank hit", res)
	}
}

func TestCaseReadsNeedPermission(t *testing.T) {
	db := openTest(t)
	cs := NewCaseStore(db, nil)
	c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
	actors := []struct {
		name  string
		actor vigil.Actor
		code  string
	}{
		{"uploader key", vigil.Actor{Kind: vigil.ActorKey, ID: "key_1", Scopes: []vigil.Scope{vigil.ScopeSubmit}}, vigil.EFORBIDDEN},
		{"auditor", vigil.Actor{Kind: vigil.ActorUser, ID: "usr_eve", Role: vigil.RoleAuditor, Scopes: vigil.ScopesOf(vigil.RoleAuditor)}, ""},
		{"reviewer key", vigil.Actor{Kind: vigil.ActorKey, ID: "key_2", Scopes: []vigil.Scope{vigil.ScopeCases}}, ""},
	}
	for _, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			ctx := vigil.WithActor(context.Background(), a.actor)
			_, err := cs.Case(ctx, c.ID)
			wantCode(t, err, a.code)
			_, _, err = cs.Cases(ctx, vigil.CaseFilter{})
			wantCode(t, err, a.code)
			_, err = cs.History(ctx, c.ID)
			wantCode(t, err, a.code)
		})
	}
}
