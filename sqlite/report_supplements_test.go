package sqlite

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// RP-17, RP-09: a supplement needs a sent report, a person with the reports permission, and
// content: text or third-country references; in_reply_to must name a request for information
// about the same report.
func TestAddSupplementRefusals(t *testing.T) {
	key := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_1", Name: "platform",
		Scopes: []vigil.Scope{vigil.ScopeReports}})
	reviewer := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "rev", Name: "rev",
		Role: vigil.RoleReviewer, Scopes: vigil.ScopesOf(vigil.RoleReviewer)})
	tests := []struct {
		name  string
		ctx   context.Context
		sup   func(sent, queued, request, hold string) vigil.ReportSupplement
		code  string
		field string
	}{
		{"API key", key, func(sent, _, _, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: sent, Text: "x"}
		}, vigil.EFORBIDDEN, ""},
		{"no reports permission", reviewer, func(sent, _, _, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: sent, Text: "x"}
		}, vigil.EFORBIDDEN, ""},
		{"empty", legal("lex"), func(sent, _, _, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: sent}
		}, vigil.EINVALID, "text"},
		{"text too long", legal("lex"), func(sent, _, _, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: sent, Text: strings.Repeat("x", maxSupplementText+1)}
		}, vigil.EINVALID, "text"},
		{"reference without entity", legal("lex"), func(sent, _, _, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: sent, ThirdCountry: []vigil.ThirdCountryReport{{Reference: "1"}}}
		}, vigil.EINVALID, "third_country_reports[0]"},
		{"not yet at the EU Centre", legal("lex"), func(_, queued, _, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: queued, Text: "x"}
		}, vigil.ECONFLICT, ""},
		{"unknown report", legal("lex"), func(string, string, string, string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: "rep_nope", Text: "x"}
		}, vigil.ENOTFOUND, ""},
		{"answers no message", legal("lex"), func(sent, _, _, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: sent, Text: "x", InReplyTo: "rfb_nope"}
		}, vigil.EINVALID, "in_reply_to"},
		{"answers a hold", legal("lex"), func(sent, _, _, hold string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: sent, Text: "x", InReplyTo: hold}
		}, vigil.EINVALID, "in_reply_to"},
		{"answers another report's request", legal("lex"), func(_, _, request, _ string) vigil.ReportSupplement {
			return vigil.ReportSupplement{ReportID: "other", Text: "x", InReplyTo: request}
		}, vigil.EINVALID, "in_reply_to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			sent, queued := r.sent(t, "cnt_sup_sent"), r.queued(t, "cnt_sup_queued")
			request, err := r.store.Feedback(legal("euc"), vigil.ReportFeedback{ReportID: sent.ID,
				Kind: vigil.FeedbackRequestInfo, Text: "which account?"})
			if err != nil {
				t.Fatal(err)
			}
			hold, err := r.store.Feedback(legal("euc"), vigil.ReportFeedback{ReportID: sent.ID,
				Kind: vigil.FeedbackDoNotInform, Reference: "LE-1", Until: reportsT0.AddDate(0, 1, 0)})
			if err != nil {
				t.Fatal(err)
			}
			sup := tt.sup(sent.ID, queued.ID, request.ID, hold.ID)
			if sup.ReportID == "other" {
				sup.ReportID = r.sent(t, "cnt_sup_other").ID
			}
			_, err = r.store.AddSupplement(tt.ctx, sup)
			ve, ok := errors.AsType[*vigil.Error](err)
			if !ok || ve.Code != tt.code || ve.Field != tt.field {
				t.Errorf("AddSupplement error %v, want %s on %q", err, tt.code, tt.field)
			}
			if n := countRows(t, r.db, "report_supplements"); n != 0 {
				t.Errorf("%d supplements stored, want none", n)
			}
		})
	}
}

// The text of a supplement may hold personal data: it is stored encrypted and kept out of
// the audit log, which records only that a supplement was queued.
func TestSupplementTextIsEncryptedAndNotAudited(t *testing.T) {
	r := openReports(t)
	rep := r.sent(t, "cnt_sup_enc")
	const marker = "marker-5d2b the uploader also used someone-else@example.test"
	sup, err := r.store.AddSupplement(legal("lex"), vigil.ReportSupplement{ReportID: rep.ID, Text: marker})
	if err != nil {
		t.Fatal(err)
	}
	if sup.EUReference != "EU-7" || sup.Status != vigil.SupplementQueued || sup.CreatedBy != "lex" {
		t.Errorf("supplement %+v, want queued against EU-7 by lex", sup)
	}
	if raw := rawFiles(t, r.db); bytes.Contains(raw, []byte("marker-5d2b")) {
		t.Error("the supplement text is in the database files in clear")
	}
	var audited int
	if err := r.db.read.QueryRow(`SELECT count(*) FROM audit_events WHERE action = 'report.supplement'
		AND object_id = ?`, rep.ID).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 1 {
		t.Errorf("%d report.supplement audit events, want 1", audited)
	}
	got, err := r.store.SupplementsOf(legal("lex"), rep.ID)
	if err != nil || len(got) != 1 || got[0].Text != marker {
		t.Errorf("SupplementsOf = %+v, %v; want the text back", got, err)
	}
}

// countRows counts the rows of table.
func countRows(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// PR-04: erasing a report's record at its retention deadline erases its supplements' text too;
// their third-country references and delivery state stay.
func TestEraseReportErasesSupplementText(t *testing.T) {
	r := openReports(t)
	rep := r.sent(t, "cnt_sup_erase")
	if _, err := r.store.AddSupplement(legal("lex"), vigil.ReportSupplement{ReportID: rep.ID, Text: "private detail",
		ThirdCountry: []vigil.ThirdCountryReport{{Entity: "Hotline X", Reference: "HX-1"}}}); err != nil {
		t.Fatal(err)
	}
	err := r.db.Update(context.Background(), func(tx *Tx) error {
		return tx.eraseReport(erasableReport{id: rep.ID, caseID: rep.CaseID, contentID: rep.Record.Content[0].ContentID,
			status: vigil.ReportSent}, r.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.store.SupplementsOf(legal("lex"), rep.ID)
	if err != nil || len(got) != 1 || got[0].Text != "" || got[0].ThirdCountry[0].Reference != "HX-1" {
		t.Errorf("after erasure %+v, %v; want the text gone and the reference kept", got, err)
	}
	_, err = r.store.AddSupplement(legal("lex"), vigil.ReportSupplement{ReportID: rep.ID, Text: "more"})
	if ve, ok := errors.AsType[*vigil.Error](err); !ok || ve.Code != vigil.ECONFLICT {
		t.Errorf("supplement to an erased report: %v, want a conflict", err)
	}
}
