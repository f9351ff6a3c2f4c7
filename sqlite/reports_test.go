package sqlite

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// RP-01..RP-08, NC-05, NC-06: confirming a case drafts its report in the same transaction,
// prefilled from the case, its item and the review log.
func TestConfirmDraftsTheReport(t *testing.T) {
	r := openReports(t)
	for _, viewed := range []bool{true, false} {
		name := map[bool]string{true: "viewed", false: "not viewed"}[viewed]
		t.Run(name, func(t *testing.T) {
			rep := r.confirm(t, "cnt_"+name[:3], viewed)
			rec := rep.Record
			if rep.Status != vigil.ReportDraft || !rep.Awareness.Equal(reportsT0) {
				t.Errorf("status %s awareness %v, want draft at the confirmation %v (RP-01)", rep.Status, rep.Awareness, reportsT0)
			}
			if rec.Type != vigil.ReportKnown || rec.Awareness != vigil.AwarenessOwnMotion || rec.LegalBasis != DefaultLegalBasis {
				t.Errorf("type %s awareness %s basis %q", rec.Type, rec.Awareness, rec.LegalBasis)
			}
			if rec.Provider.Name != "Example Photos BV" || rec.Service.Type != "hosting" || rec.Service.URL != "https://photos.example/p/1" {
				t.Errorf("provider %+v service %+v", rec.Provider, rec.Service)
			}
			item := rec.Content[0]
			if item.MD5 != "0123456789abcdef0123456789abcdef" || item.PDQ != testPDQ.Value || item.FileName != "holiday.jpg" {
				t.Errorf("item hashes/name %+v (NC-05)", item)
			}
			if item.Viewed != viewed || item.ViewedEXIF {
				t.Errorf("viewed %v exif %v, want %v and false: from the review log, never assumed (NC-06)", item.Viewed, item.ViewedEXIF, viewed)
			}
			if item.Metadata["camera"] != "TestCam 1" || item.Metadata[MetaUploaderEmail] != "" {
				t.Errorf("item metadata %v: want non-personal keys only (RP-05)", item.Metadata)
			}
			if len(rec.Users) != 1 || rec.Users[0].UniqueID != "usr-7f3a" || rec.Users[0].Email != reportTestEmail {
				t.Errorf("users %+v (RP-08)", rec.Users)
			}
			if rec.Geo.IP != reportTestIP || rec.Geo.Port != 51234 || rec.Geo.At.IsZero() {
				t.Errorf("geo %+v (RP-07)", rec.Geo)
			}
		})
	}
}

// Personal data in a report is stored encrypted: what legal writes into a record never reaches
// the database files in clear, and the stored record holds none of the uploader's data.
func TestReportRecordIsEncrypted(t *testing.T) {
	r := openReports(t)
	rep := r.confirm(t, "cnt_enc", true)
	rec := rep.Record
	rec.Users[0].Phone = "+31-6-5550-1234"
	rec.Other = "marker-7c1e9 from the legal officer"
	if _, err := r.store.EditReport(legal("lex"), rep.ID, rec); err != nil {
		t.Fatal(err)
	}
	raw := rawFiles(t, r.db)
	for _, s := range []string{rec.Users[0].Phone, rec.Other} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q is in the database files in clear", s)
		}
	}
	var sealed []byte
	if err := r.db.read.QueryRow(`SELECT record FROM reports WHERE id = ?`, rep.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{reportTestEmail, reportTestIP, "user7f3a", "usr-7f3a"} {
		if bytes.Contains(sealed, []byte(s)) {
			t.Errorf("%q is in the stored record in clear", s)
		}
	}
}

// Only confirmed cases are reported.
func TestDraftReportRefusesUnconfirmedCases(t *testing.T) {
	r := openReports(t)
	c := openTestCase(t, r.db, "cnt_open", "known-list", vigil.PriorityNormal, nil)
	err := r.db.Update(adminCtx, func(tx *Tx) error { return tx.DraftReport(c, "dec_x") })
	wantCode(t, err, vigil.ECONFLICT)
}

// PP-04, SG-05, IR-08: known material needs one approval; new material and solicitation need two
// different people.
func TestReportApprovals(t *testing.T) {
	tests := []struct {
		typ       vigil.ReportType
		approvers []string
		want      []vigil.ReportStatus
		codes     []string
	}{
		{vigil.ReportKnown, []string{"ann"}, []vigil.ReportStatus{vigil.ReportQueued}, []string{""}},
		{vigil.ReportNew, []string{"ann", "ann", "bob"},
			[]vigil.ReportStatus{vigil.ReportAwaitingSecond, vigil.ReportAwaitingSecond, vigil.ReportQueued},
			[]string{"", vigil.ECONFLICT, ""}},
		{vigil.ReportSolicitation, []string{"ann", "bob", "cyd"},
			[]vigil.ReportStatus{vigil.ReportAwaitingSecond, vigil.ReportQueued, vigil.ReportQueued},
			[]string{"", "", vigil.ECONFLICT}},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			r := openReports(t)
			rep := r.confirm(t, "cnt_"+string(tt.typ), true)
			rec := rep.Record
			rec.Type = tt.typ
			if _, err := r.store.EditReport(legal("lex"), rep.ID, rec); err != nil {
				t.Fatal(err)
			}
			for i, who := range tt.approvers {
				_, err := r.store.ApproveReport(legal(who), rep.ID)
				wantCode(t, err, tt.codes[i])
				got, _ := r.store.Report(legal("lex"), rep.ID)
				if got.Status != tt.want[i] {
					t.Fatalf("after %s's approval: %s, want %s", who, got.Status, tt.want[i])
				}
			}
			got, _ := r.store.Report(legal("lex"), rep.ID)
			if len(got.Deliveries) != 2 || got.Deliveries[0].Destination != vigil.DestNCMEC {
				t.Errorf("deliveries %+v, want NCMEC then the EU Centre", got.Deliveries)
			}
		})
	}
}

// The approval checks: a case no longer confirmed, an incomplete record, no destination, a
// caller without the reports scope.
func TestApproveReportRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, r *reportsRig, rep vigil.Report)
		ctx   context.Context
		code  string
	}{
		{"case not confirmed", func(t *testing.T, r *reportsRig, rep vigil.Report) {
			inTx(t, r.db, func(tx *Tx) error {
				_, err := tx.ExecContext(tx.ctx, `UPDATE cases SET status = 'false_positive' WHERE id = ?`, rep.CaseID)
				return err
			})
		}, legal("ann"), vigil.ECONFLICT},
		{"no provider identity", func(t *testing.T, r *reportsRig, rep vigil.Report) {
			rec := rep.Record
			rec.Provider.Name = ""
			if _, err := r.store.EditReport(legal("ann"), rep.ID, rec); err != nil {
				t.Fatal(err)
			}
		}, legal("ann"), vigil.EINVALID},
		{"no destination", func(t *testing.T, r *reportsRig, rep vigil.Report) {
			s, _ := r.store.ReportSettings(adminCtx)
			s.EUCentre, s.NCMEC = false, false
			if _, err := r.store.SaveReportSettings(adminCtx, s); err != nil {
				t.Fatal(err)
			}
		}, legal("ann"), vigil.ECONFLICT},
		{"reviewer", func(*testing.T, *reportsRig, vigil.Report) {}, reviewer("rev2"), vigil.EFORBIDDEN},
		// PP-04: the approvals count people, and an API key is not one.
		{"api key", func(*testing.T, *reportsRig, vigil.Report) {}, vigil.WithActor(context.Background(),
			vigil.Actor{Kind: vigil.ActorKey, ID: "key_legal", Name: "legal script", Scopes: []vigil.Scope{vigil.ScopeReports}}),
			vigil.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			rep := r.confirm(t, "cnt_refuse", false)
			tt.setup(t, r, rep)
			_, err := r.store.ApproveReport(tt.ctx, rep.ID)
			wantCode(t, err, tt.code)
		})
	}
}

// Edits are validated, withdraw approvals, and end once the report is queued.
func TestEditReport(t *testing.T) {
	r := openReports(t)
	rep := r.confirm(t, "cnt_edit", true)
	rec := rep.Record
	rec.Type = vigil.ReportNew
	if _, err := r.store.EditReport(legal("lex"), rep.ID, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.ApproveReport(legal("ann"), rep.ID); err != nil {
		t.Fatal(err)
	}
	rec.Other = "more context"
	got, err := r.store.EditReport(legal("lex"), rep.ID, rec)
	if err != nil || len(got.Approvals) != 0 || got.Status != vigil.ReportDraft || got.Record.Other != "more context" {
		t.Fatalf("edit after an approval: %+v, %v; want a draft without approvals", got, err)
	}
	bad := []struct {
		field string
		edit  func(*vigil.ReportRecord)
	}{
		{"type", func(r *vigil.ReportRecord) { r.Type = "rumour" }},
		{"awareness", func(r *vigil.ReportRecord) { r.Awareness = "" }},
		{"content", func(r *vigil.ReportRecord) { r.Content[0].ContentID = "cnt_other" }},
		{"users[0].unique_id", func(r *vigil.ReportRecord) { r.Users[0].UniqueID = "" }},
		{"geo.port", func(r *vigil.ReportRecord) { r.Geo.Port = 70000 }},
		{"urgent_reason", func(r *vigil.ReportRecord) { r.Urgent = true }},
		// NC-05, NC-06: what the review log and the upload recorded is not the editor's to change.
		{"content[0].viewed_by_provider", func(r *vigil.ReportRecord) { r.Content[0].Viewed = !r.Content[0].Viewed }},
		{"content[0].exif_viewed_by_provider", func(r *vigil.ReportRecord) { r.Content[0].ViewedEXIF = true }},
		{"content[0].md5", func(r *vigil.ReportRecord) { r.Content[0].MD5 = "00000000000000000000000000000000" }},
		{"content[0].uploaded_at", func(r *vigil.ReportRecord) { r.Content[0].Uploaded = r.Content[0].Uploaded.Add(time.Hour) }},
	}
	for _, b := range bad {
		t.Run(b.field, func(t *testing.T) {
			e := got.Record
			e.Content = slices.Clone(e.Content)
			e.Users = slices.Clone(e.Users)
			b.edit(&e)
			_, err := r.store.EditReport(legal("lex"), rep.ID, e)
			if verr, ok := err.(*vigil.Error); !ok || verr.Field != b.field {
				t.Errorf("error %v, want one about %s", err, b.field)
			}
		})
	}
	if _, err := r.store.ApproveReport(legal("ann"), rep.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.ApproveReport(legal("bob"), rep.ID); err != nil {
		t.Fatal(err)
	}
	_, err = r.store.EditReport(legal("lex"), rep.ID, rec)
	wantCode(t, err, vigil.ECONFLICT)
}

// The NCMEC password is stored wrapped, never read back, kept when a save leaves it empty.
func TestReportSettings(t *testing.T) {
	r := openReports(t)
	s, err := r.store.ReportSettings(legal("lex"))
	if err != nil || s.NCMECPassword != "" || !s.HasPassword {
		t.Fatalf("settings %+v, %v: want the password hidden and present", s, err)
	}
	if bytes.Contains(rawFiles(t, r.db), []byte("s3cret-pw")) {
		t.Error("the NCMEC password is in the database files in clear")
	}
	s.NCMECEnvironment = "production"
	if _, err := r.store.SaveReportSettings(adminCtx, s); err != nil {
		t.Fatal(err)
	}
	full, err := r.store.SendingSettings(context.Background())
	if err != nil || full.NCMECPassword != "s3cret-pw" || full.NCMECEnvironment != "production" {
		t.Fatalf("sending settings %+v, %v: want the kept password", full, err)
	}
	_, err = r.store.SaveReportSettings(legal("lex"), s)
	wantCode(t, err, vigil.EFORBIDDEN)
	bad := []struct {
		field string
		edit  func(*vigil.ReportSettings)
	}{
		{"eu_centre_url", func(s *vigil.ReportSettings) { s.EUCentreURL = "" }},
		{"eu_centre_url", func(s *vigil.ReportSettings) { s.EUCentreURL = "ftp://x" }},
		{"ncmec_user", func(s *vigil.ReportSettings) { s.NCMECUser = "" }},
	}
	for _, b := range bad {
		e := s
		b.edit(&e)
		_, err := r.store.SaveReportSettings(adminCtx, e)
		if verr, ok := err.(*vigil.Error); !ok || verr.Field != b.field {
			t.Errorf("error %v, want one about %s", err, b.field)
		}
	}
}

// queued confirms a case and approves its known-material report.
func (r *reportsRig) queued(t *testing.T, contentID string) vigil.Report {
	t.Helper()
	rep := r.confirm(t, contentID, true)
	rep, err := r.store.ApproveReport(legal("ann"), rep.ID)
	if err != nil || rep.Status != vigil.ReportQueued {
		t.Fatalf("approve: %s, %v", rep.Status, err)
	}
	return rep
}

// The worker's steps: recorded one by one, then sent with report.sent and the report notice
// three months after the EU Centre took it (RP-15).
func TestReportSendingSteps(t *testing.T) {
	r := openReports(t)
	rep := r.queued(t, "cnt_send")
	ctx := context.Background()
	due, err := r.store.DueReports(ctx, 10)
	if err != nil || len(due) != 1 || due[0].Record.Users[0].Email != reportTestEmail {
		t.Fatalf("due %d reports, %v: want this one with its record", len(due), err)
	}
	steps := []func() error{
		func() error { return r.store.NCMECSubmitted(ctx, rep.ID, "4242") },
		func() error { return r.store.NCMECUploaded(ctx, rep.ID, "cnt_send", "f-1", "abc") },
		func() error { return r.store.NCMECDescribed(ctx, rep.ID, "cnt_send") },
		func() error { return r.store.NCMECFinished(ctx, rep.ID) },
		func() error { return r.store.EUSent(ctx, rep.ID, "EU-1") },
		func() error { return r.store.Complete(ctx, rep.ID) },
	}
	for i, step := range steps {
		r.clock.Advance(time.Second)
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got, _ := r.store.Report(legal("lex"), rep.ID)
	nd, _ := got.Delivery(vigil.DestNCMEC)
	eu, _ := got.Delivery(vigil.DestEUCentre)
	if got.Status != vigil.ReportSent || nd.Reference != "4242" || nd.Status != vigil.DestFinished ||
		eu.Reference != "EU-1" || len(got.Files) != 1 || !got.Files[0].Described {
		t.Fatalf("report %+v", got)
	}
	if events := eventsOf(t, r.db, r.hook, vigil.EventReportSent); len(events) != 1 {
		t.Errorf("%d report.sent events, want 1", len(events))
	}
	var due2, basis int64
	var status string
	err = r.db.read.QueryRow(`SELECT due, basis, status FROM notices WHERE content_id = 'cnt_send' AND kind = 'report'`).
		Scan(&due2, &basis, &status)
	if err != nil {
		t.Fatal(err)
	}
	if !fromMS(basis).Equal(eu.Done) || !fromMS(due2).Equal(vigil.ReportNoticeDue(eu.Done)) {
		t.Errorf("notice basis %v due %v, want %v + 3 months", fromMS(basis), fromMS(due2), eu.Done)
	}
	if due, _ := r.store.DueReports(ctx, 10); len(due) != 0 {
		t.Errorf("%d reports still due after sending", len(due))
	}
}

// Retraction: a draft is withdrawn at once; a report with an open CyberTipline flow is marked
// for the worker; a delivered one is refused.
func TestRetractReport(t *testing.T) {
	r := openReports(t)
	ctx := context.Background()
	draft := r.confirm(t, "cnt_r1", false)
	got, err := r.store.RetractReport(legal("lex"), draft.ID, "duplicate of another report")
	if err != nil || got.Status != vigil.ReportRetracted {
		t.Fatalf("retract draft: %s, %v", got.Status, err)
	}
	open := r.queued(t, "cnt_r2")
	if err := r.store.NCMECSubmitted(ctx, open.ID, "99"); err != nil {
		t.Fatal(err)
	}
	got, err = r.store.RetractReport(legal("lex"), open.ID, "sent by mistake")
	if err != nil || !got.RetractRequested || got.Status != vigil.ReportSending {
		t.Fatalf("retract open flow: %+v, %v", got, err)
	}
	if err := r.store.NCMECRetracted(ctx, open.ID, ""); !errors.Is(err, vigil.ErrRetractionRequested) {
		t.Fatalf("NCMECRetracted: %v, want the retraction requested", err)
	}
	got, _ = r.store.Report(legal("lex"), open.ID)
	if got.Status != vigil.ReportRetracted {
		t.Errorf("status %s, want retracted", got.Status)
	}
	done := r.queued(t, "cnt_r3")
	if err := r.store.NCMECSubmitted(ctx, done.ID, "100"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.NCMECFinished(ctx, done.ID); err != nil {
		t.Fatal(err)
	}
	_, err = r.store.RetractReport(legal("lex"), done.ID, "too late")
	wantCode(t, err, vigil.ECONFLICT)
	_, err = r.store.RetractReport(legal("lex"), done.ID, "")
	wantCode(t, err, vigil.EINVALID)
}

// RP-01, RP-20: a destination's refusal leaves the other's delivery standing. The EU Centre
// took the report after the CyberTipline flow was retracted: the user notice runs from then
// (RP-15); Complete, refused while a CyberTipline report is open, ends the report failed,
// naming NCMEC, without report.sent, so that a resend retries NCMEC alone.
func TestReportPartialDelivery(t *testing.T) {
	r := openReports(t)
	ctx := context.Background()
	rep := r.queued(t, "cnt_half")
	if err := r.store.NCMECSubmitted(ctx, rep.ID, "61"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.Complete(ctx, rep.ID); err == nil {
		t.Fatal("completed a report whose CyberTipline report is open")
	}
	steps(t, func() error { return r.store.NCMECRetracted(ctx, rep.ID, "4100 invalid file details") })
	if got, _ := r.store.Report(legal("lex"), rep.ID); got.Status != vigil.ReportSending {
		t.Fatalf("report %s after the CyberTipline refusal, want sending on to the EU Centre", got.Status)
	}
	steps(t, func() error { return r.store.EUSent(ctx, rep.ID, "EU-61") },
		func() error { return r.store.Complete(ctx, rep.ID) })
	got, _ := r.store.Report(legal("lex"), rep.ID)
	nd, _ := got.Delivery(vigil.DestNCMEC)
	eu, _ := got.Delivery(vigil.DestEUCentre)
	if got.Status != vigil.ReportFailed || nd.Status != vigil.DestRetracted || eu.Status != vigil.DestSent ||
		!strings.Contains(got.LastError, "ncmec retracted: 4100") || !got.Sent.IsZero() {
		t.Errorf("report %s (%q, sent %v), NCMEC %s, EU Centre %s", got.Status, got.LastError, got.Sent, nd.Status, eu.Status)
	}
	var basis int64
	err := r.db.read.QueryRow(`SELECT basis FROM notices WHERE content_id = 'cnt_half' AND kind = 'report'`).Scan(&basis)
	if err != nil || !fromMS(basis).Equal(eu.Done) {
		t.Errorf("report notice basis %v (%v), want the EU Centre's %v", fromMS(basis), err, eu.Done)
	}
	if events := eventsOf(t, r.db, r.hook, vigil.EventReportSent); len(events) != 0 {
		t.Errorf("%d report.sent events for a report NCMEC did not take", len(events))
	}
	if due, _ := r.store.DueReports(ctx, 10); len(due) != 0 {
		t.Errorf("%d reports still due after it failed", len(due))
	}
}

// sent queues a report and records it sent to both destinations.
func (r *reportsRig) sent(t *testing.T, contentID string) vigil.Report {
	t.Helper()
	rep := r.queued(t, contentID)
	ctx := context.Background()
	for _, step := range []func() error{
		func() error { return r.store.NCMECSubmitted(ctx, rep.ID, "7") },
		func() error { return r.store.NCMECFinished(ctx, rep.ID) },
		func() error { return r.store.EUSent(ctx, rep.ID, "EU-7") },
		func() error { return r.store.Complete(ctx, rep.ID) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return rep
}

// RP-15, RP-17, RP-18: the EU Centre's messages release the notice or place bounded holds.
func TestReportFeedback(t *testing.T) {
	tests := []struct {
		name  string
		fb    vigil.ReportFeedback
		code  string
		check func(t *testing.T, r *reportsRig, contentID string)
	}{
		{"manifestly unfounded", vigil.ReportFeedback{Kind: vigil.FeedbackUnfounded}, "",
			func(t *testing.T, r *reportsRig, contentID string) {
				var due int64
				r.db.read.QueryRow(`SELECT due FROM notices WHERE content_id = ? AND kind = 'report'`, contentID).Scan(&due)
				if !fromMS(due).Equal(r.clock.Now()) {
					t.Errorf("notice due %v, want now %v", fromMS(due), r.clock.Now())
				}
			}},
		{"do not inform", vigil.ReportFeedback{Kind: vigil.FeedbackDoNotInform, Reference: "EUC-1",
			Until: reportsT0.Add(300 * 24 * time.Hour)}, "",
			func(t *testing.T, r *reportsRig, contentID string) {
				var due int64
				var status string
				r.db.read.QueryRow(`SELECT due, status FROM notices WHERE content_id = ? AND kind = 'report'`, contentID).Scan(&due, &status)
				if status != string(vigil.NoticeHeld) || !fromMS(due).Equal(reportsT0.Add(300*24*time.Hour)) {
					t.Errorf("notice %s due %v, want held until the hold ends", status, fromMS(due))
				}
			}},
		{"do not inform beyond 18 months", vigil.ReportFeedback{Kind: vigil.FeedbackDoNotInform, Reference: "EUC-2",
			Until: vigil.LatestEUCentreHoldEnd(reportsT0).Add(48 * time.Hour)}, vigil.EINVALID, nil},
		{"do not remove", vigil.ReportFeedback{Kind: vigil.FeedbackDoNotRemove, Reference: "LE-9",
			Until: reportsT0.Add(100 * 24 * time.Hour)}, "",
			func(t *testing.T, r *reportsRig, contentID string) {
				var n int
				r.db.read.QueryRow(`SELECT count(*) FROM holds WHERE content_id = ? AND kind = 'do_not_remove' AND reference = 'LE-9'`, contentID).Scan(&n)
				if n != 1 {
					t.Errorf("%d do_not_remove holds, want 1", n)
				}
			}},
		{"request info", vigil.ReportFeedback{Kind: vigil.FeedbackRequestInfo, Text: "which account?"}, "", nil},
		{"request info without text", vigil.ReportFeedback{Kind: vigil.FeedbackRequestInfo}, vigil.EINVALID, nil},
		{"hold without reference", vigil.ReportFeedback{Kind: vigil.FeedbackDoNotRemove, Until: reportsT0.Add(time.Hour)}, vigil.EINVALID, nil},
		{"unknown kind", vigil.ReportFeedback{Kind: "thanks"}, vigil.EINVALID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			rep := r.sent(t, "cnt_fb")
			tt.fb.ReportID = rep.ID
			fb, err := r.store.Feedback(legal("lex"), tt.fb)
			wantCode(t, err, tt.code)
			if tt.code != "" {
				return
			}
			if tt.check != nil {
				tt.check(t, r, "cnt_fb")
			}
			list, err := r.store.FeedbackOf(legal("lex"), rep.ID)
			if err != nil || len(list) != 1 || list[0].ID != fb.ID {
				t.Errorf("feedback %+v, %v", list, err)
			}
		})
	}
	r := openReports(t)
	rep := r.queued(t, "cnt_unsent")
	_, err := r.store.Feedback(legal("lex"), vigil.ReportFeedback{ReportID: rep.ID, Kind: vigil.FeedbackUnfounded})
	wantCode(t, err, vigil.ECONFLICT)
}

// Lists page newest first; reading a report with its record is audited.
func TestReportsListAndAudit(t *testing.T) {
	r := openReports(t)
	var ids []string
	for _, c := range []string{"cnt_l1", "cnt_l2", "cnt_l3"} {
		r.clock.Advance(time.Second)
		ids = append(ids, r.confirm(t, c, false).ID)
	}
	page, next, err := r.store.Reports(legal("lex"), vigil.ReportFilter{Limit: 2})
	if err != nil || len(page) != 2 || page[0].ID != ids[2] || next == "" {
		t.Fatalf("page 1: %d reports, next %q, %v", len(page), next, err)
	}
	page, next, err = r.store.Reports(legal("lex"), vigil.ReportFilter{Limit: 2, Cursor: next})
	if err != nil || len(page) != 1 || page[0].ID != ids[0] || next != "" {
		t.Fatalf("page 2: %d reports, next %q, %v", len(page), next, err)
	}
	_, _, err = r.store.Reports(legal("lex"), vigil.ReportFilter{Status: []vigil.ReportStatus{"lost"}})
	wantCode(t, err, vigil.EINVALID)
	views, err := r.db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "report.view"})
	if err != nil || len(views) < 3 {
		t.Errorf("%d report.view events, %v", len(views), err)
	}
	_, err = r.store.Report(reviewer("rev"), ids[0])
	wantCode(t, err, vigil.EFORBIDDEN)
}

// Failed attempts wait for their next try; a final failure ends the report; a withdrawal
// retracts it; the signing key is stable.
func TestReportFailureSteps(t *testing.T) {
	r := openReports(t)
	ctx := context.Background()
	rep := r.queued(t, "cnt_fail")
	if err := r.store.Retry(ctx, rep.ID, reportsT0.Add(time.Minute), "connection refused"); err != nil {
		t.Fatal(err)
	}
	if due, _ := r.store.DueReports(ctx, 10); len(due) != 0 {
		t.Fatalf("%d reports due before their next try", len(due))
	}
	r.clock.Advance(time.Minute)
	due, err := r.store.DueReports(ctx, 10)
	if err != nil || len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "connection refused" {
		t.Fatalf("due %+v, %v", due, err)
	}
	if err := r.store.Failed(ctx, rep.ID, vigil.DestEUCentre, "400 schema"); err != nil {
		t.Fatal(err)
	}
	got, _ := r.store.Report(legal("lex"), rep.ID)
	eu, _ := got.Delivery(vigil.DestEUCentre)
	if got.Status != vigil.ReportSending || eu.Status != vigil.DestFailed || eu.LastError != "400 schema" {
		t.Errorf("report %s, EU Centre %+v; want sending on to NCMEC", got.Status, eu)
	}
	if err := r.store.Complete(ctx, rep.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = r.store.Report(legal("lex"), rep.ID)
	if got.Status != vigil.ReportFailed || !strings.Contains(got.LastError, "eu_centre failed: 400 schema") {
		t.Errorf("report %s (%q), want failed naming the EU Centre's refusal", got.Status, got.LastError)
	}
	if err := r.store.Failed(ctx, rep.ID, "elsewhere", "x"); err == nil {
		t.Error("a failure at a destination the report does not go to was recorded")
	}
	other := r.queued(t, "cnt_withdrawn")
	if err := r.store.Retracted(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.store.Report(legal("lex"), other.ID); got.Status != vigil.ReportRetracted {
		t.Errorf("withdrawn report is %s", got.Status)
	}
	pub, err := r.store.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := r.store.SigningPrivateKey(ctx)
	if err != nil || !pub.Equal(priv.Public()) {
		t.Errorf("the signing key pair does not match: %v", err)
	}
}

// RP-10: a removal the platform confirmed before the report leaves is stated in it.
func TestDueReportNotesRemoval(t *testing.T) {
	r := openReports(t)
	rep := r.queued(t, "cnt_removed")
	removed := reportsT0.Add(90 * time.Second)
	inTx(t, r.db, func(tx *Tx) error {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO actions (id, kind, trigger, content_id, url, service, case_id,
			reference, status, hold_id, reason, requested, done) VALUES ('act_t', 'remove', 'own_initiative',
			'cnt_removed', '', 'photos', ?, '', 'done', '', '', ?, ?)`, rep.CaseID, ms(reportsT0), ms(removed))
		return err
	})
	due, err := r.store.DueReports(context.Background(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due %d, %v", len(due), err)
	}
	if rec := due[0].Record; !rec.Removed || !rec.RemovedAt.Equal(removed) {
		t.Errorf("removed %v at %v, want true at %v", rec.Removed, rec.RemovedAt, removed)
	}
}
