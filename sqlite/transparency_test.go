package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/orders"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/transparency"
)

// yearRig seeds a year of Vigil's work through the services, on a fake clock moved forward
// from one step to the next, and remembers the personal data it stored.
type yearRig struct {
	t        *testing.T
	db       *DB
	clock    *fakeclock.Clock
	content  *ContentStore
	cases    *CaseStore
	reports  *ReportStore
	orders   *OrderStore
	comp     *Complaints
	seq      int
	personal []string
}

// trPlatform is the platform's API key: it submits, files complaints and answers actions.
var trPlatform = vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_platform",
	Name: "platform", Scopes: []vigil.Scope{vigil.ScopeSubmit, vigil.ScopeComplaints}})

func trDay(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func newYearRig(t *testing.T) *yearRig {
	t.Helper()
	clock := fakeclock.New(trDay(2025, time.January, 10, 9, 0))
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := &yearRig{t: t, db: db, clock: clock, content: NewContentStore(db), cases: NewCaseStore(db, nil),
		reports: NewReportStore(db), orders: NewOrderStore(db), comp: NewComplaints(db)}
	if err := r.content.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, s := range []vigil.Service{{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "EU", Enabled: true},
		{Name: "chat", Type: vigil.ServiceInterpersonal, Jurisdiction: "EU", Enabled: true}} {
		if _, err := r.content.SaveService(adminCtx, s); err != nil {
			t.Fatal(err)
		}
	}
	_, err = r.reports.SaveReportSettings(adminCtx, vigil.ReportSettings{
		Provider:   vigil.ReportProvider{Name: "Example Photos BV", ContactPoint: "spoc@example.test", ReporterEmail: "legal@example.test"},
		LegalBasis: DefaultLegalBasis, EUCentre: true, NCMEC: true,
		EUCentreURL: "https://eucentre.example.test/reports", NCMECUser: "esp", NCMECPassword: "s3cret-pw",
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *yearRig) at(t time.Time) { r.clock.Set(t) }

func (r *yearRig) must(err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
}

// item stores one content item of service and type with verdict status and an uploader with
// personal metadata, and returns its id. A match's case is opened by matched.
func (r *yearRig) item(tx *Tx, service string, typ vigil.ContentType, status vigil.VerdictStatus, caseID string) string {
	r.seq++
	uploader := fmt.Sprintf("uploader-ref-%03d", r.seq)
	meta := map[string]string{MetaUploaderIP: fmt.Sprintf("198.51.100.%d", r.seq),
		MetaUploaderEmail: fmt.Sprintf("person%03d@mail.example", r.seq), MetaUsername: fmt.Sprintf("nickname%03d", r.seq)}
	r.personal = append(r.personal, uploader, meta[MetaUploaderIP], meta[MetaUploaderEmail], meta[MetaUsername])
	c := vigil.Content{ID: vigil.NewID(vigil.PrefixContent, tx.now), Service: service, ExternalID: fmt.Sprintf("ext-%d", r.seq),
		Uploader: uploader, Type: typ, Metadata: meta, Size: 100, Received: tx.now,
		Verdict: vigil.Verdict{Status: status, CaseID: caseID, Decided: tx.now}}
	if _, _, _, err := r.content.InsertContent(tx, c, "", nil); err != nil {
		r.t.Fatal(err)
	}
	return c.ID
}

// items stores n items of one kind.
func (r *yearRig) items(service string, typ vigil.ContentType, status vigil.VerdictStatus, n int) {
	r.must(r.db.Update(trPlatform, func(tx *Tx) error {
		for range n {
			r.item(tx, service, typ, status, "")
		}
		return nil
	}))
}

// trCount is a count of name.
func trCount(name string, n int64) transparency.Count {
	return transparency.Count{Name: name, Count: n}
}

// trHit is a bank entry matched by a signal of type st.
func trHit(bank string, st signal.Type) vigil.Match {
	return vigil.Match{Bank: bank, Entry: 1, Category: "A1", Signal: signal.Signal{Type: st, Value: "x"}}
}

// matched stores a matched photo of service and opens its case with media, as the pipeline does.
func (r *yearRig) matched(service string, ms ...vigil.Match) vigil.Case {
	c := vigil.Case{Service: service, Matches: ms, Priority: vigil.PriorityOf(ms)}
	r.must(r.db.Update(trPlatform, func(tx *Tx) error {
		c.ContentID = vigil.NewID(vigil.PrefixContent, tx.now)
		if err := tx.OpenCase(&c, []byte("benign test bytes of "+c.ContentID), "image/jpeg"); err != nil {
			return err
		}
		r.seq++
		uploader := fmt.Sprintf("uploader-ref-%03d", r.seq)
		// A match keeps what the platform said of its uploader, for the report; the other
		// items forget it at their verdict (PR-06).
		meta := map[string]string{MetaUploaderIP: fmt.Sprintf("198.51.100.%d", r.seq),
			MetaUploaderEmail: fmt.Sprintf("person%03d@mail.example", r.seq), MetaUsername: fmt.Sprintf("nickname%03d", r.seq)}
		r.personal = append(r.personal, uploader, meta[MetaUploaderIP], meta[MetaUploaderEmail], meta[MetaUsername])
		item := vigil.Content{ID: c.ContentID, Service: service, ExternalID: fmt.Sprintf("ext-%d", r.seq), Uploader: uploader,
			Metadata: meta, Type: vigil.ContentPhoto, Received: tx.now, URL: "https://photos.example/p/" + c.ContentID,
			Verdict: vigil.Verdict{Status: vigil.VerdictMatch, Matches: ms, CaseID: c.ID, Decided: tx.now}}
		_, _, _, err := r.content.InsertContent(tx, item, "", nil)
		return err
	}))
	return c
}

// decide records a reviewer's decision.
func (r *yearRig) decide(who context.Context, c vigil.Case, v vigil.DecisionVerdict) {
	r.t.Helper()
	d := vigil.Decision{CaseID: c.ID, Verdict: v}
	if v == vigil.DecideConfirm {
		d.Category = "A1"
	}
	_, err := r.cases.Decide(who, d)
	r.must(err)
}

// actionOf returns the id of the action of kind requested for case c.
func (r *yearRig) actionOf(c vigil.Case, kind vigil.ActionKind) string {
	r.t.Helper()
	var id string
	r.must(r.db.read.QueryRow(`SELECT id FROM actions WHERE case_id = ? AND kind = ?`, c.ID, kind).Scan(&id))
	return id
}

// finish records the platform's answer to action id.
func (r *yearRig) finish(id string, status vigil.ActionStatus) {
	r.t.Helper()
	_, err := NewActions(r.db).Finish(trPlatform, id, status, "")
	r.must(err)
}

// reportOf returns the report of case c, approved by a legal officer.
func (r *yearRig) approvedReport(c vigil.Case) string {
	r.t.Helper()
	var id string
	r.must(r.db.read.QueryRow(`SELECT id FROM reports WHERE case_id = ?`, c.ID).Scan(&id))
	_, err := r.reports.ApproveReport(legal("usr_legal1"), id)
	r.must(err)
	return id
}

// complaint files a complaint of kind about case c.
func (r *yearRig) complaint(c vigil.Case, kind vigil.ComplaintKind) string {
	r.t.Helper()
	got, _, err := r.comp.File(trPlatform, vigil.Complaint{CaseID: c.ID, Kind: kind, Text: "This is wrong."}, "")
	r.must(err)
	return got.ID
}

// decideComplaint decides complaint id as reviewer rev-b, who decided none of the cases.
func (r *yearRig) decideComplaint(id string, outcome vigil.ComplaintOutcome) {
	r.t.Helper()
	_, err := r.comp.Decide(reviewer("rev-b"), id, outcome, "Looked again.")
	r.must(err)
}

// order receives an order of kind naming one URL, issued an hour earlier.
func (r *yearRig) order(kind vigil.OrderKind, ref string) vigil.Order {
	r.t.Helper()
	now := r.clock.Now()
	doc := orders.Document{
		Kind: kind, Reference: ref,
		IssuingAuthority: orders.Authority{Name: "Amtsgericht Wiesbaden", Country: "DE"},
		Provider:         "Example Photos BV", ContactPoint: "spoc@example.test", Service: "photos",
		Items:           []orders.Item{{URL: "https://photos.example/p/" + ref, Info: "photo page"}},
		CSAMDefinitions: []string{"art2c_i"}, Reasons: "Known material.",
		Redress:  &orders.Redress{Court: "Verwaltungsgericht Wiesbaden", TimeLimits: "one month"},
		IssuedAt: now.Add(-time.Hour).Format(time.RFC3339), Signature: "sig",
	}
	switch kind {
	case vigil.OrderBlocking:
		doc.URLList = &orders.URLList{Reference: "EUC-URL-LIST", Version: "1",
			Start: now.Add(24 * time.Hour).Format(time.RFC3339), End: now.Add(48 * time.Hour).Format(time.RFC3339)}
	case vigil.OrderVoluntary:
		doc.CSAMDefinitions, doc.Redress, doc.Signature = nil, nil, ""
	}
	o, created, err := r.orders.Receive(authorityCtx, parseDoc(r.t, doc))
	if err != nil || !created {
		r.t.Fatalf("receive order %s: created %v, %v", ref, created, err)
	}
	return o
}

// seedYear runs a year of work around 2026 and returns the rig. The comments give what each
// step adds to the 2026 figures.
func seedYear(t *testing.T) *yearRig {
	r := newYearRig(t)
	revA, senior := reviewer("rev-a"), reviewer("rev-s")

	// 2025: a case confirmed, reported to NCMEC; its evidence is deleted 12 months later (2026).
	mPrev := r.matched("photos", trHit("iwf", signal.PDQ))
	r.at(trDay(2025, time.January, 10, 10, 0))
	r.decide(revA, mPrev, vigil.DecideConfirm)
	r.at(trDay(2025, time.January, 11, 10, 0))
	prevReport := r.approvedReport(mPrev)
	r.must(r.reports.NCMECSubmitted(context.Background(), prevReport, "ncmec-1"))
	r.must(r.reports.NCMECFinished(context.Background(), prevReport))
	r.at(trDay(2025, time.December, 20, 10, 0))
	r.items("photos", vigil.ContentPhoto, vigil.VerdictNoMatch, 1) // received 2025: not counted
	m0 := r.matched("photos", trHit("iwf", signal.PDQ))            // opened 2025, confirmed 2026
	r.at(trDay(2025, time.December, 28, 10, 0))
	c0 := r.complaint(mPrev, vigil.ComplaintRemoval) // filed 2025, decided 2026 after 5 days
	r.at(trDay(2025, time.December, 31, 22, 0))
	o4 := r.order(vigil.OrderRemoval, "O4") // received 2025, executed 2026 after 3 h

	// 2026.
	r.at(trDay(2026, time.January, 1, 1, 0))
	_, err := r.orders.Execute(authorityCtx, o4.ID, vigil.MeasureRemoved)
	r.must(err)
	r.at(trDay(2026, time.January, 2, 10, 0))
	r.decideComplaint(c0, vigil.ComplaintRejected)
	r.must(r.reports.EUSent(context.Background(), prevReport, "EUC-1")) // eu_centre +1; first delivery was 2025
	r.must(r.reports.Complete(context.Background(), prevReport))
	r.at(trDay(2026, time.January, 5, 10, 0))
	r.decide(revA, m0, vigil.DecideConfirm) // evidence preserved
	r.at(trDay(2026, time.January, 6, 10, 0))
	r.finish(r.actionOf(m0, vigil.ActionRemove), vigil.ActionDone) // own_initiative +1
	r.at(trDay(2026, time.January, 11, 0, 0))
	deleted, err := r.db.SweepEvidence(context.Background(), r.clock.Now()) // mPrev's evidence
	r.must(err)
	if deleted != 1 {
		t.Fatalf("the sweep deleted %d evidence objects, want 1", deleted)
	}

	r.at(trDay(2026, time.February, 1, 10, 0))
	r.items("photos", vigil.ContentPhoto, vigil.VerdictNoMatch, 3)
	r.items("photos", vigil.ContentPhoto, vigil.VerdictNotScanned, 1)
	r.items("chat", vigil.ContentVideo, vigil.VerdictNoMatch, 2)
	r.items("chat", vigil.ContentPhoto, vigil.VerdictError, 1)

	r.at(trDay(2026, time.March, 1, 10, 0))
	m1 := r.matched("photos", trHit("ncmec-known", signal.PDQ))
	m2 := r.matched("photos", trHit("ncmec-known", signal.MD5), trHit("iwf", signal.PDQ), trHit("iwf", signal.PDQ))
	m3 := r.matched("photos", trHit("iwf", signal.PDQ))
	m4 := r.matched("photos", trHit("ncmec-known", signal.PDQ))
	m5 := r.matched("photos", trHit("iwf", signal.SHA256))
	m6 := r.matched("chat", trHit("ncmec-known", signal.PDQ))
	r.at(trDay(2026, time.March, 2, 10, 0))
	r.decide(revA, m1, vigil.DecideConfirm)
	r.decide(revA, m2, vigil.DecideConfirm)
	r.decide(revA, m3, vigil.DecideFalsePositive)
	r.decide(revA, m4, vigil.DecideConfirm)
	r.decide(revA, m5, vigil.DecideEscalate) // not an end of review
	r.decide(senior, m5, vigil.DecideConfirm)
	r.decide(revA, m6, vigil.DecideFalsePositive)
	r.at(trDay(2026, time.March, 3, 10, 0))
	for _, c := range []vigil.Case{m1, m2, m4} {
		r.finish(r.actionOf(c, vigil.ActionRemove), vigil.ActionDone) // own_initiative +3
	}
	r.finish(r.actionOf(m5, vigil.ActionRemove), vigil.ActionFailed) // not a removal

	r.at(trDay(2026, time.March, 10, 10, 0))
	rep1 := r.approvedReport(m1)
	r.must(r.reports.NCMECSubmitted(context.Background(), rep1, "ncmec-2"))
	r.must(r.reports.NCMECFinished(context.Background(), rep1))   // ncmec +1
	r.must(r.reports.EUSent(context.Background(), rep1, "EUC-2")) // eu_centre +1, known_csam +1
	r.must(r.reports.Complete(context.Background(), rep1))
	r.at(trDay(2026, time.March, 11, 10, 0))
	rep2 := r.approvedReport(m2)
	r.must(r.reports.EUSent(context.Background(), rep2, "EUC-3")) // eu_centre +1, known_csam +1

	r.at(trDay(2026, time.April, 1, 10, 0))
	c1 := r.complaint(m4, vigil.ComplaintDetection)
	r.at(trDay(2026, time.April, 3, 10, 0))
	r.decideComplaint(c1, vigil.ComplaintUpheld) // 48 h; m4 reversed
	r.at(trDay(2026, time.April, 3, 12, 0))
	r.finish(r.actionOf(m4, vigil.ActionRestore), vigil.ActionDone) // restored +1
	r.at(trDay(2026, time.April, 10, 0, 0))
	c2 := r.complaint(m1, vigil.ComplaintRemoval)
	r.at(trDay(2026, time.April, 10, 6, 0))
	r.decideComplaint(c2, vigil.ComplaintRejected) // 6 h

	r.at(trDay(2026, time.May, 4, 8, 0))
	o1 := r.order(vigil.OrderRemoval, "O1")
	r.at(trDay(2026, time.May, 4, 9, 0))
	_, err = r.orders.CannotExecute(authorityCtx, o1.ID, vigil.PauseTechnical, "Storage cluster down.") // 14(5)
	r.must(err)
	r.at(trDay(2026, time.May, 4, 10, 0))
	_, err = r.orders.Resume(authorityCtx, o1.ID, "Back up.")
	r.must(err)
	r.at(trDay(2026, time.May, 4, 14, 0))
	r.finish(o1.Items[0].ActionID, vigil.ActionDone)       // removal_order +1
	_, err = r.orders.SettleExecuted(context.Background()) // executed after 6 h
	r.must(err)

	r.at(trDay(2026, time.June, 1, 8, 0))
	o2 := r.order(vigil.OrderRemoval, "O2")
	r.at(trDay(2026, time.June, 1, 8, 30))
	_, err = r.orders.CannotExecute(authorityCtx, o2.ID, vigil.PauseManifestError, "Wrong URL.") // 14(6)
	r.must(err)
	r.at(trDay(2026, time.June, 1, 9, 0))
	_, err = r.orders.Resume(authorityCtx, o2.ID, "Corrected.")
	r.must(err)
	r.at(trDay(2026, time.June, 1, 10, 0))
	_, err = r.orders.Execute(authorityCtx, o2.ID, vigil.MeasureRemoved) // executed after 2 h
	r.must(err)

	r.at(trDay(2026, time.July, 1, 8, 0))
	b1 := r.order(vigil.OrderBlocking, "B1")
	r.at(trDay(2026, time.July, 1, 9, 0))
	_, err = r.orders.CannotExecute(authorityCtx, b1.ID, vigil.PauseInsufficientInformation, "Which list?") // 17(5)
	r.must(err)
	r.at(trDay(2026, time.August, 1, 8, 0))
	r.order(vigil.OrderVoluntary, "V1")

	r.at(trDay(2026, time.December, 30, 10, 0))
	c3 := r.complaint(m2, vigil.ComplaintAccount) // open at the year's end
	r.at(trDay(2026, time.December, 31, 20, 0))
	o3 := r.order(vigil.OrderRemoval, "O3") // executed only in 2027
	r.at(trDay(2026, time.December, 31, 23, 0))
	m7 := r.matched("photos", trHit("iwf", signal.PDQ)) // decided only in 2027

	// 2027: none of this counts for 2026.
	r.at(trDay(2027, time.January, 1, 2, 0))
	_, err = r.orders.Execute(authorityCtx, o3.ID, vigil.MeasureRemoved)
	r.must(err)
	r.at(trDay(2027, time.January, 2, 10, 0))
	r.decideComplaint(c3, vigil.ComplaintRejected)
	r.items("photos", vigil.ContentPhoto, vigil.VerdictNoMatch, 1)
	r.at(trDay(2027, time.January, 3, 10, 0))
	r.decide(revA, m7, vigil.DecideFalsePositive)
	r.at(trDay(2027, time.January, 10, 9, 0))
	_, err = NewTransparencyStore(r.db).SaveTransparencySettings(adminCtx, trSettings)
	r.must(err)
	return r
}

// trSettings are the provider's statements of the seeded year (IR-11 (2), (3), (7), (8)).
var trSettings = transparency.Settings{
	Statements: transparency.Statements{
		GDPRGround:     "Art. 6(1)(d) and (e) GDPR with Art. 1(1)(b) of Regulation (EU) 2021/1232.",
		TransferGround: "Standard contractual clauses (Art. 46(2)(c) GDPR) for reports to NCMEC.",
		ErrorMeasures:  "Every match is reviewed by a person; complaints are decided by another reviewer.",
	},
	RetentionPolicy: "Evidence is kept for 12 months from identification, longer only under a legal hold.",
}

// TestTransparencyReportOfSeededYear is the bar: the report of a year seeded through the
// services equals the figures worked out by hand (TR-01..TR-05, IR-11, PP-05, SG-01).
func TestTransparencyReportOfSeededYear(t *testing.T) {
	r := seedYear(t)
	got, err := transparency.Compute(context.Background(), NewTransparencyStore(r.db), 2026, r.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	hour := float64(time.Hour / time.Second)
	want := transparency.Report{
		Year: 2026, From: trDay(2026, time.January, 1, 0, 0), To: trDay(2027, time.January, 1, 0, 0),
		Generated: trDay(2027, time.January, 10, 9, 0),
		// IR-11 (1): items received in 2026 by service and type: chat 1 error + m6; 2 videos;
		// photos 3 no match, 1 not scanned, m1..m5 and m7.
		Volume: []transparency.Volume{
			{Service: "chat", ContentType: "photo", Received: 2, Matched: 1, Failed: 1},
			{Service: "chat", ContentType: "video", Received: 2, NoMatch: 2},
			{Service: "photos", ContentType: "photo", Received: 10, NoMatch: 3, Matched: 6, NotScanned: 1},
		},
		// m1..m7 opened; m0, m1, m2, m4, m5 confirmed; m3, m6 false positives; m4 reversed.
		Cases: transparency.Cases{Opened: 7, Confirmed: 5, FalsePositives: 2, Reversed: 1},
		// pdq: m0 m1 m2 confirmed, m3 m6 false, m4 reversed. md5: m2. sha256: m5.
		ErrorsBySignal: []transparency.ErrorRate{
			{Name: "md5", Reviewed: 1, Confirmed: 1, Rate: 0, Precision: 1},
			{Name: "pdq", Reviewed: 6, Confirmed: 3, FalsePositives: 3, Rate: 3.0 / 6, Precision: 3.0 / 6},
			{Name: "sha256", Reviewed: 1, Confirmed: 1, Rate: 0, Precision: 1},
		},
		// iwf: m0 m2 m5 confirmed, m3 false. ncmec-known: m1 m2 confirmed, m4 reversed, m6 false.
		ErrorsByBank: []transparency.ErrorRate{
			{Name: "iwf", Reviewed: 4, Confirmed: 3, FalsePositives: 1, Rate: 1.0 / 4, Precision: 3.0 / 4},
			{Name: "ncmec-known", Reviewed: 4, Confirmed: 2, FalsePositives: 2, Rate: 2.0 / 4, Precision: 2.0 / 4},
		},
		// Filed: c1, c2, c3. Decided: c0 (5 days, rejected), c1 (48 h, upheld), c2 (6 h, rejected).
		Complaints: transparency.Complaints{Filed: 3, ByKind: []transparency.Count{trCount("detection", 1), trCount("removal", 1), trCount("account", 1)},
			Decided: 3, Upheld: 1, Rejected: 2, Open: 1, AverageDecisionSeconds: (120*hour + 48*hour + 6*hour) / 3},
		// Received o1, o2, o3; executed o4 (3 h), o1 (6 h), o2 (2 h).
		RemovalOrders: transparency.Orders{Received: 3, Executed: 3, AverageExecutionSeconds: (3*hour + 6*hour + 2*hour) / 3},
		Removals: []transparency.Count{trCount("removal_order", 1), trCount("authority", 0), trCount("eu_centre", 0), trCount("third_party", 0),
			trCount("own_initiative", 4)},
		Restored: 1, BlockingOrders: 1, DelistingOrders: 0, VoluntaryNotifications: 1,
		Invocations: []transparency.Invocation{{Article: "14(5)", Ground: "technical", Count: 1}, {Article: "14(6)", Ground: "manifest_error", Count: 1},
			{Article: "17(5)", Ground: "insufficient_information", Count: 1}},
		// eu_centre: prev (first delivered 2025), rep1, rep2; ncmec: rep1. Types: rep1, rep2.
		Reports: transparency.Reports{ByDestination: []transparency.Count{trCount("eu_centre", 3), trCount("ncmec", 1)},
			ByType: []transparency.Count{trCount("known_csam", 2), trCount("new_csam", 0), trCount("solicitation", 0)}},
		// Preserved: m0, m1, m2, m4, m5; deleted: mPrev's.
		// The provider's retention policy replaces Vigil's statement.
		Retention: transparency.Retention{Policy: trSettings.RetentionPolicy, Jurisdictions: []string{"eu 12 months"},
			EvidencePreserved: 5, EvidenceDeleted: 1},
		Statements: trSettings.Statements,
		SharedWith: []string{"EU Centre on Child Sexual Abuse", "National Center for Missing & Exploited Children (NCMEC)"},
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"period", [3]time.Time{got.From, got.To, got.Generated}, [3]time.Time{want.From, want.To, want.Generated}},
		{"volume", got.Volume, want.Volume},
		{"cases", got.Cases, want.Cases},
		{"errors by signal type", got.ErrorsBySignal, want.ErrorsBySignal},
		{"errors by bank", got.ErrorsByBank, want.ErrorsByBank},
		{"complaints", got.Complaints, want.Complaints},
		{"removal orders", got.RemovalOrders, want.RemovalOrders},
		{"removals", got.Removals, want.Removals},
		{"restored", got.Restored, want.Restored},
		{"other orders", [3]int64{got.BlockingOrders, got.DelistingOrders, got.VoluntaryNotifications},
			[3]int64{want.BlockingOrders, want.DelistingOrders, want.VoluntaryNotifications}},
		{"invocations", got.Invocations, want.Invocations},
		{"reports", got.Reports, want.Reports},
		{"retention", got.Retention, want.Retention},
		{"statements", got.Statements, want.Statements},
		{"shared with", got.SharedWith, want.SharedWith},
		{"whole report", got, want},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got  %+v\nwant %+v", c.got, c.want)
			}
		})
	}
}

// TestTransparencyReportHasNoPersonalData renders the seeded year in every format through the
// service and checks that none of the uploader references, emails, IP addresses and user
// names stored holds up in it (PP-11, TR-06), and that each report handed out is audited.
func TestTransparencyReportHasNoPersonalData(t *testing.T) {
	r := seedYear(t)
	store := NewTransparencyStore(r.db)
	known, err := store.PersonalData(context.Background(), transparency.YearPeriod(2026))
	if err != nil {
		t.Fatal(err)
	}
	if len(known) < 20 {
		t.Fatalf("PersonalData found %d identifiers, want the seeded ones", len(known))
	}
	svc := &transparency.Service{Store: store, Clock: r.clock}
	auditor := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_aud", Name: "aud",
		Role: vigil.RoleAuditor, Scopes: vigil.ScopesOf(vigil.RoleAuditor)})
	for _, f := range transparency.Formats {
		t.Run(string(f), func(t *testing.T) {
			out, err := svc.Render(auditor, 2026, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range r.personal {
				if strings.Contains(string(out), p) {
					t.Errorf("the %s report contains %q", f, p)
				}
			}
			if !strings.Contains(string(out), "ncmec-known") {
				t.Errorf("the %s report lacks the bank figures", f)
			}
		})
	}
	events, err := r.db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "transparency.generate", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(transparency.Formats) || events[0].ActorID != "usr_aud" || events[0].ObjectID != "2026" {
		t.Errorf("audit events %+v, want one per format by the auditor", events)
	}
}
