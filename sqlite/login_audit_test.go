package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestSignInsAreAudited checks that every sign-in, granted or refused, leaves one audit event:
// a refused one by an anonymous actor, naming the attempted user name and the reason but never
// the password.
func TestSignInsAreAudited(t *testing.T) {
	u, _ := newTestUsers(t)
	alice, err := u.CreateUser(usersAdminCtx, "alice", vigil.RoleReviewer, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	carol, _ := u.CreateUser(usersAdminCtx, "carol", vigil.RoleAuditor, "correct horse battery")
	if err := u.SetDisabled(usersAdminCtx, carol.ID, true); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("m", 300)
	for _, tc := range []struct {
		name, user, pw string
		action         string
		actor          vigil.ActorKind
		objectType     string
		objectID       string
		reason         string
	}{
		{"granted", "alice", "correct horse battery", "user.login", vigil.ActorUser, "user", alice.ID, ""},
		{"wrong password", "alice", "correct horse staple", "user.login_failed", vigil.ActorAnonymous, "user_name", "alice", "wrong password"},
		{"unknown name", "mallory", "correct horse battery", "user.login_failed", vigil.ActorAnonymous, "user_name", "mallory", "unknown name"},
		{"disabled", "carol", "correct horse battery", "user.login_failed", vigil.ActorAnonymous, "user_name", "carol", "user disabled"},
		{"long name cut", long, "correct horse battery", "user.login_failed", vigil.ActorAnonymous, "user_name", long[:maxUserName] + "…", "unknown name"},
		{"invalid UTF-8 name", "bad\xffname", "correct horse battery", "user.login_failed", vigil.ActorAnonymous, "user_name", "bad\uFFFDname", "unknown name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := lastAuditSeq(t, u.db)
			u.Login(context.Background(), tc.user, tc.pw)
			events, err := u.db.AuditEvents(context.Background(), vigil.AuditFilter{AfterSeq: before})
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 1 {
				t.Fatalf("%d audit events, want 1: %+v", len(events), events)
			}
			e := events[0]
			if e.Action != tc.action || e.ActorKind != tc.actor || e.ObjectType != tc.objectType || e.ObjectID != tc.objectID {
				t.Errorf("event %s by %s on %s %q, want %s by %s on %s %q",
					e.Action, e.ActorKind, e.ObjectType, e.ObjectID, tc.action, tc.actor, tc.objectType, tc.objectID)
			}
			if tc.reason != "" && !strings.Contains(e.Detail, tc.reason) {
				t.Errorf("detail %s lacks the reason %q", e.Detail, tc.reason)
			}
			if strings.Contains(e.Detail, "horse") || strings.Contains(e.ObjectID, "horse") {
				t.Errorf("event %+v records the password", e)
			}
		})
	}
}

// lastAuditSeq returns the sequence number of the newest audit event.
func lastAuditSeq(t *testing.T, db *DB) int64 {
	t.Helper()
	var seq int64
	if err := db.read.QueryRow(`SELECT coalesce(max(seq), 0) FROM audit_events`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestSetRevealCap(t *testing.T) {
	u, _ := newTestUsers(t)
	alice, err := u.CreateUser(usersAdminCtx, "alice", vigil.RoleReviewer, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		user    string
		perHour int
		code    string
		want    int // the stored cap afterwards
	}{
		{"set", usersAdminCtx, alice.ID, 25, "", 25},
		{"back to the default", usersAdminCtx, alice.ID, 0, "", 0},
		{"the most", usersAdminCtx, alice.ID, vigil.MaxRevealsPerHour, "", vigil.MaxRevealsPerHour},
		{"negative", usersAdminCtx, alice.ID, -1, vigil.EINVALID, vigil.MaxRevealsPerHour},
		{"too many", usersAdminCtx, alice.ID, vigil.MaxRevealsPerHour + 1, vigil.EINVALID, vigil.MaxRevealsPerHour},
		{"unknown user", usersAdminCtx, "usr_nobody", 10, vigil.ENOTFOUND, vigil.MaxRevealsPerHour},
		{"not an admin", reviewer(alice.ID), alice.ID, 10, vigil.EFORBIDDEN, vigil.MaxRevealsPerHour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := lastAuditSeq(t, u.db)
			err := u.SetRevealCap(tc.ctx, tc.user, tc.perHour)
			wantCode(t, err, tc.code)
			got, err := u.User(context.Background(), alice.ID)
			if err != nil || got.RevealsPerHour != tc.want {
				t.Fatalf("cap %d, %v; want %d", got.RevealsPerHour, err, tc.want)
			}
			events, err := u.db.AuditEvents(context.Background(), vigil.AuditFilter{AfterSeq: before, Action: "user.reveal_cap"})
			wantEvents := 0
			if tc.code == "" {
				wantEvents = 1
			}
			if err != nil || len(events) != wantEvents {
				t.Errorf("%d user.reveal_cap events, %v; want %d", len(events), err, wantEvents)
			}
		})
	}
}
