package sqlite

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// reportsT0 is when the report tests start.
var reportsT0 = time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)

// The personal data the report tests' uploads carry.
const (
	reportTestEmail = "uploader-7f3a@example.test"
	reportTestIP    = "203.0.113.77"
)

// legal returns a context acting as a legal officer with the given id.
func legal(id string) context.Context {
	return vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: id, Name: id,
		Role: vigil.RoleLegal, Scopes: vigil.ScopesOf(vigil.RoleLegal)})
}

// reportsRig is a database with report settings and a helper to confirm cases.
type reportsRig struct {
	db    *DB
	clock *fakeclock.Clock
	store *ReportStore
	hook  string // a webhook subscribed to report.sent and notice.due
}

// openReports opens a database on a fake clock with the service "photos" and settings that send
// to both destinations.
func openReports(t *testing.T) *reportsRig {
	t.Helper()
	db, clock := openWithPhotos(t, reportsT0)
	r := &reportsRig{db: db, clock: clock, store: NewReportStore(db)}
	r.hook = mustWebhook(t, db, vigil.EventReportSent, vigil.EventNoticeDue).ID
	_, err := r.store.SaveReportSettings(adminCtx, vigil.ReportSettings{
		Provider: vigil.ReportProvider{Name: "Example Photos BV", ContactPoint: "spoc@example.test",
			ReporterEmail: "legal@example.test"},
		LegalBasis: DefaultLegalBasis, EUCentre: true, NCMEC: true,
		EUCentreURL: "https://eucentre.example.test/reports", NCMECUser: "esp", NCMECPassword: "s3cret-pw",
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// confirm stores a matched upload contentID with personal metadata, opens its case, lets
// reviewer "rev" view the media when viewed, confirms it and returns the case's report.
func (r *reportsRig) confirm(t *testing.T, contentID string, viewed bool) vigil.Report {
	t.Helper()
	meta, _ := json.Marshal(map[string]string{MetaUploaderIP: reportTestIP, MetaUploaderPort: "51234",
		MetaUploaderEmail: reportTestEmail, MetaUsername: "user7f3a", MetaFileName: "holiday.jpg",
		"camera": "TestCam 1"})
	err := r.db.Update(adminCtx, func(tx *Tx) error {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO content (id, service, external_id, uploader, type,
			flags, metadata, url, size, received, status, reason, matches, case_id, decided)
			VALUES (?, 'photos', ?, 'usr-7f3a', 'image', '[]', ?, 'https://photos.example/p/1', 10, ?, 'match', '', '[]', '', 0)`,
			contentID, "ext-"+contentID, string(meta), ms(tx.now))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c := openTestCase(t, r.db, contentID, "known-list", vigil.PriorityNormal, testMedia)
	ctx := reviewer("rev")
	if _, err := NewCaseStore(r.db, nil).Claim(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if viewed {
		if _, _, err := NewCaseStore(r.db, nil).Media(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewCaseStore(r.db, nil).Decide(ctx, vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"}); err != nil {
		t.Fatal(err)
	}
	return r.reportOf(t, c.ID)
}

// reportOf returns the report of case caseID, read by a legal officer.
func (r *reportsRig) reportOf(t *testing.T, caseID string) vigil.Report {
	t.Helper()
	var id string
	if err := r.db.read.QueryRow(`SELECT id FROM reports WHERE case_id = ?`, caseID).Scan(&id); err != nil {
		t.Fatalf("report of case %s: %v", caseID, err)
	}
	rep, err := r.store.Report(legal("lex"), id)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
