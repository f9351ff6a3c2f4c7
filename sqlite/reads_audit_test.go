package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// auditedActions returns up to 500 audit events after seq, in order.
func auditedActions(t *testing.T, db *DB, after int64) []vigil.AuditEvent {
	t.Helper()
	events, err := db.AuditEvents(context.Background(), vigil.AuditFilter{AfterSeq: after, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// lastSeq returns the sequence number of the newest audit event.
func lastSeq(t *testing.T, db *DB) int64 {
	t.Helper()
	var seq int64
	for {
		events := auditedActions(t, db, seq)
		if len(events) == 0 {
			return seq
		}
		seq = events[len(events)-1].Seq
	}
}

// TestNoticeAndComplaintReadsAudited checks that reading notices and complaints, which name the
// uploader (a personal reference) and hold the user's words, leaves an audit event naming the
// reader, like the reads of reports and evidence; and that the event carries neither.
func TestNoticeAndComplaintReadsAudited(t *testing.T) {
	db, _, _ := openActions(t)
	kase := confirmedCase(t, db)
	comp, _, err := NewComplaints(db).File(platformKey, vigil.Complaint{CaseID: kase.ID, Kind: vigil.ComplaintRemoval,
		Text: "my holiday photo"}, "")
	if err != nil {
		t.Fatal(err)
	}
	n := scheduleNotice(t, db, vigil.Notice{Kind: vigil.NoticeRemoval, ContentID: "cnt_1", Reference: "act_1"})
	tests := []struct {
		action, object string
		read           func() error
	}{
		{"notice.view", n.ID, func() error { _, err := NewNotices(db).Notice(platformKey, n.ID); return err }},
		{"notice.list", "cnt_1", func() error {
			_, _, err := NewNotices(db).Notices(platformKey, vigil.NoticeFilter{ContentID: "cnt_1"})
			return err
		}},
		{"complaint.view", comp.ID, func() error { _, err := NewComplaints(db).Complaint(platformKey, comp.ID); return err }},
		{"complaint.list", "", func() error {
			_, _, err := NewComplaints(db).Complaints(platformKey, vigil.ComplaintFilter{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			before := lastSeq(t, db)
			if err := tt.read(); err != nil {
				t.Fatal(err)
			}
			events := auditedActions(t, db, before)
			if len(events) != 1 {
				t.Fatalf("%d audit events, want one %s", len(events), tt.action)
			}
			e := events[0]
			if e.Action != tt.action || e.ObjectID != tt.object || e.ActorID != "key_platform" {
				t.Errorf("event %s %s by %s, want %s %s by key_platform", e.Action, e.ObjectID, e.ActorID, tt.action, tt.object)
			}
			for _, personal := range []string{"user-1", "holiday"} {
				if strings.Contains(e.Detail, personal) {
					t.Errorf("audit detail %s holds %q", e.Detail, personal)
				}
			}
		})
	}
	t.Run("refused reads are not audited", func(t *testing.T) {
		before := lastSeq(t, db)
		nobody := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_other"})
		_, err := NewNotices(db).Notice(nobody, n.ID)
		wantCode(t, err, vigil.EFORBIDDEN)
		_, err = NewComplaints(db).Complaint(nobody, comp.ID)
		wantCode(t, err, vigil.EFORBIDDEN)
		_, err = NewComplaints(db).Complaint(platformKey, "cmp_missing")
		wantCode(t, err, vigil.ENOTFOUND)
		if events := auditedActions(t, db, before); len(events) != 0 {
			t.Errorf("refused reads left %d audit events", len(events))
		}
	})
}
